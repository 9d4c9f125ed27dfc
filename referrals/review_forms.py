"""Forms for a senior practitioner's correction of a contact and a manager's oversight."""

from django import forms

from core.forms import GovukDateField, GovukForm

from .forms import SECTION_FORMS
from .oversight import MAX_ACTIONS, ActionData


def correction_form(section: str) -> type[GovukForm]:
    """The section's own form with the reason for the correction added at the foot."""
    base, _ = SECTION_FORMS[section]

    class CorrectionForm(base):
        submit_label = "Save the correction"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting the contact?",
                help_text="This is shown on the contact with what changed.",
                widget=forms.Textarea,
                max_length=2000,
                error_messages={"required": "Enter why the contact is being corrected"},
            )
            self.refresh_layout()

        def correction_data(self) -> dict:
            return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "version")}

    return CorrectionForm


class OversightForm(GovukForm):
    submit_label = "Record the oversight"

    note = forms.CharField(
        label="Oversight note",
        help_text="What you reviewed and what you think of the work so far.",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter the oversight note"},
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_ACTIONS + 1):
            optional = "" if i == 1 else " (optional)"
            self.fields[f"action_{i}"] = forms.CharField(
                label=f"Action {i}{optional}", required=False, max_length=300
            )
            self.fields[f"owner_{i}"] = forms.ModelChoiceField(
                label=f"Who owns action {i}",
                queryset=owners,
                required=False,
                empty_label="Select who owns it",
                error_messages={"invalid_choice": "Select someone from the list"},
            )
            self.fields[f"due_{i}"] = GovukDateField(
                label=f"Complete action {i} by",
                help_text="For example, 27 3 2027",
                required=False,
            )
        self.refresh_layout()

    def clean(self):
        data = super().clean()
        for i in range(1, MAX_ACTIONS + 1):
            action = (data.get(f"action_{i}") or "").strip()
            owner, due = data.get(f"owner_{i}"), data.get(f"due_{i}")
            given = action or owner or due or self.errors.get(f"due_{i}")
            if i == 1 or given:
                if not action:
                    self.add_error(f"action_{i}", f"Enter action {i}")
                if owner is None and f"owner_{i}" not in self.errors:
                    self.add_error(f"owner_{i}", f"Select who owns action {i}")
                if due is None and f"due_{i}" not in self.errors:
                    self.add_error(f"due_{i}", f"Enter the date action {i} is to be done by")
        return data

    def actions(self) -> list[ActionData]:
        d = self.cleaned_data
        return [
            ActionData(action=d[f"action_{i}"], owner=d[f"owner_{i}"], due_on=d[f"due_{i}"])
            for i in range(1, MAX_ACTIONS + 1)
            if d.get(f"action_{i}") and d.get(f"owner_{i}") and d.get(f"due_{i}")
        ]
