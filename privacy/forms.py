"""Forms for legal holds and retention decisions."""

from crispy_forms_gds.layout import Field
from django import forms

from core.forms import GovukDateField, GovukForm

from .models import HoldReason


class HoldPlaceForm(GovukForm):
    submit_label = "Place the legal hold"
    reason = forms.ChoiceField(
        label="Why is the hold placed?",
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the hold is placed"},
    )
    details = forms.CharField(
        label="What is the hold for?",
        help_text="The case, inquiry or request, and any reference.",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Say what the hold is for"},
    )


class HoldLiftForm(GovukForm):
    submit_label = "Lift the legal hold"
    reason = forms.CharField(
        label="Why is the hold lifted?",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Say why the hold is lifted"},
    )


class DestroyForm(GovukForm):
    submit_label = "Approve destruction"
    reason = forms.CharField(
        label="Reason for approving destruction",
        help_text="For example: retention period ended, no open proceedings or requests.",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Give the reason for approving destruction"},
    )
    confirm = forms.BooleanField(
        label="I confirm this record and everything on it will be destroyed and cannot be restored",
        error_messages={"required": "Confirm that the record will be destroyed"},
    )

    def field_layout(self, name: str):
        if name == "confirm":
            return Field.checkbox(name)
        return super().field_layout(name)


class KeepForm(GovukForm):
    submit_label = "Keep the record"
    reason = forms.CharField(
        label="Why is the record kept?",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Say why the record is kept"},
    )
    review_again_on = GovukDateField(
        label="Review again on",
        help_text="For example, 1 12 2027",
    )
