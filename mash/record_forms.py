"""Forms for the strategy discussion and for disagreeing with a MASH decision. The services
decide what is allowed; these check shape and say what is missing in GOV.UK words."""

import datetime as dt
import zoneinfo

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.utils import timezone

from core.forms import GovukDateField, GovukForm, parse_time, yes_no_field

from .models import DisagreementOutcome
from .strategy import Action, Attendee

ATTENDEE_ROWS = 6
ACTION_ROWS = 4
# Service error keys about a group of rows, shown against the group's first field.
ROW_ERROR_FIELDS = {"attendees": "attendee_1_agency", "actions": "action_1_action"}


def _text(label: str, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


class StrategyDiscussionForm(GovukForm):
    submit_label = "Record the strategy discussion"
    held_on = GovukDateField(label="Date held", help_text="For example, 24 11 2026")
    held_time = forms.CharField(
        label="Time held",
        help_text="For example, 9:30am or 14:05",
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time the strategy discussion was held"},
    )
    decision = forms.CharField(
        label="What was decided",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter what the strategy discussion decided"},
    )
    section_47 = yes_no_field("Will section 47 enquiries follow?", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = (
            "Enter the date the strategy discussion was held"
        )
        self.fields["section_47"].error_messages["required"] = (
            "Select yes if section 47 enquiries will follow"
        )
        for n in range(1, ATTENDEE_ROWS + 1):
            self.fields[f"attendee_{n}_agency"] = _text(
                "Agency",
                120,
                help_text="For example, police (CAIT), health, education or children's social care."
                if n == 1
                else "",
            )
            self.fields[f"attendee_{n}_name"] = _text("Name", 120)
            self.fields[f"attendee_{n}_role"] = _text("Role", 120)
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}_action"] = _text("Next step", 300)
            self.fields[f"action_{n}_owner"] = _text("Who will do it", 120)
            self.fields[f"action_{n}_due_on"] = GovukDateField(
                label="By when", required=False, help_text="For example, 24 11 2026"
            )
        self.refresh_layout()

    def layout(self) -> list:
        items = [
            Fieldset(
                Field("held_on", legend_size=Size.SMALL),
                Field.text("held_time", label_size=Size.SMALL),
                legend="When was it held?",
                legend_size=Size.MEDIUM,
            )
        ]
        for n in range(1, ATTENDEE_ROWS + 1):
            items.append(
                Fieldset(
                    *(
                        Field.text(f"attendee_{n}_{part}", label_size=Size.SMALL)
                        for part in ("agency", "name", "role")
                    ),
                    legend=f"Attendee {n}",
                    legend_size=Size.SMALL,
                )
            )
        items += [
            Field.textarea("decision", label_size=Size.MEDIUM, rows=5),
            Field.radios("section_47", legend_size=Size.MEDIUM, inline=True),
        ]
        for n in range(1, ACTION_ROWS + 1):
            items.append(
                Fieldset(
                    Field.text(f"action_{n}_action", label_size=Size.SMALL),
                    Field.text(f"action_{n}_owner", label_size=Size.SMALL),
                    Field(f"action_{n}_due_on", legend_size=Size.SMALL),
                    legend=f"Next step {n}",
                    legend_size=Size.SMALL,
                )
            )
        return items

    def clean_held_time(self) -> dt.time:
        try:
            return parse_time(self.cleaned_data["held_time"])
        except ValueError:
            raise forms.ValidationError("Enter a real time, like 9:30am or 14:05") from None

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("held_on"), cleaned.get("held_time")
        if day and time:
            held = dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
            if held > timezone.now() + dt.timedelta(minutes=5):
                self.add_error("held_on", "The date and time held must be in the past")
            else:
                cleaned["held_at"] = held
        named = 0
        for n in range(1, ATTENDEE_ROWS + 1):
            agency = cleaned.get(f"attendee_{n}_agency", "").strip()
            name = cleaned.get(f"attendee_{n}_name", "").strip()
            role = cleaned.get(f"attendee_{n}_role", "").strip()
            if not (agency or name or role):
                continue
            named += 1
            if not agency:
                self.add_error(f"attendee_{n}_agency", f"Enter the agency of attendee {n}")
            if not name:
                self.add_error(f"attendee_{n}_name", f"Enter the name of attendee {n}")
        if not named:
            self.add_error("attendee_1_agency", "Enter at least one attendee, with their agency")
        for n in range(1, ACTION_ROWS + 1):
            action = cleaned.get(f"action_{n}_action", "").strip()
            owner = cleaned.get(f"action_{n}_owner", "").strip()
            due = cleaned.get(f"action_{n}_due_on")
            if not (action or owner or due) and f"action_{n}_due_on" not in self.errors:
                continue
            if not action:
                self.add_error(f"action_{n}_action", f"Enter next step {n}")
            if not owner:
                self.add_error(f"action_{n}_owner", f"Enter who will do next step {n}")
            if not due and f"action_{n}_due_on" not in self.errors:
                self.add_error(f"action_{n}_due_on", f"Enter when next step {n} is due")
        return cleaned

    def attendees(self) -> list[Attendee]:
        data = self.cleaned_data
        return [
            Attendee(
                agency=data[f"attendee_{n}_agency"],
                name=data[f"attendee_{n}_name"],
                role=data[f"attendee_{n}_role"],
            )
            for n in range(1, ATTENDEE_ROWS + 1)
        ]

    def actions(self) -> list[Action]:
        data = self.cleaned_data
        return [
            Action(
                action=data[f"action_{n}_action"],
                owner=data[f"action_{n}_owner"],
                due_on=data[f"action_{n}_due_on"],
            )
            for n in range(1, ACTION_ROWS + 1)
            if data[f"action_{n}_action"] or data[f"action_{n}_owner"] or data[f"action_{n}_due_on"]
        ]


class DisagreementForm(GovukForm):
    submit_label = "Escalate to the MASH manager"
    reasons = forms.CharField(
        label="Why do you disagree with the MASH decision?",
        help_text="Say what you think should happen instead, and why. The MASH manager will "
        "answer, with reasons.",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter why you disagree with the MASH decision"},
    )


class ResolveDisagreementForm(GovukForm):
    submit_label = "Record the outcome"
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            Choice(DisagreementOutcome.UPHELD.value, DisagreementOutcome.UPHELD.label),
            Choice(
                DisagreementOutcome.CHANGED.value,
                DisagreementOutcome.CHANGED.label,
                hint="This reopens the MASH decision and withdraws any referral it made: the "
                "contact comes back to you, and you take the decision again.",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the decision is upheld or changed"},
    )
    outcome_reasons = forms.CharField(
        label="Reasons",
        help_text="If the decision changed, say why: you take the new decision next, on the "
        "enquiry's decision page.",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter the reasons for the outcome"},
    )

    def field_layout(self, name: str):
        if name == "outcome":
            # Stacked, not inline: the "changed" choice carries a hint (GOV.UK radios).
            return Field.radios(name, legend_size=Size.SMALL, inline=False)
        return super().field_layout(name)
