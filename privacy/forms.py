"""Forms for subject access requests, legal holds and retention decisions."""

from crispy_forms_gds.layout import Field
from django import forms

from core.forms import GovukDateField, GovukForm
from referrals.models import Person

from .dates import MAX_EXTENSION_MONTHS
from .models import HoldReason, Requester


class RequestForm(GovukForm):
    submit_label = "Record the request"
    case_number = forms.CharField(
        label="Case number of the person the data is about",
        max_length=20,
        help_text="Find the person first; their case number is on their record.",
    )
    requester_name = forms.CharField(label="Name of the person asking", max_length=160)
    requester = forms.ChoiceField(
        label="Who is asking", choices=Requester.choices, widget=forms.RadioSelect
    )
    requester_relationship = forms.CharField(
        label="Their relationship to the person (for a parent or representative)",
        max_length=160,
        required=False,
    )
    received_on = GovukDateField(label="Date the request was received")

    def clean_case_number(self) -> Person:
        number = self.cleaned_data["case_number"].strip()
        person = Person.objects.filter(case_number__iexact=number).first()
        if person is None:
            raise forms.ValidationError("There is no person with that case number")
        return person


class VerifyForm(GovukForm):
    submit_label = "Record identity as verified"
    evidence = forms.CharField(
        label="How identity (and, for a parent or representative, authority) was checked",
        widget=forms.Textarea,
        max_length=2000,
    )


class ExtendForm(GovukForm):
    submit_label = "Extend the time limit"
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[
            (n, f"{n} further month{'s' if n > 1 else ''}")
            for n in range(1, MAX_EXTENSION_MONTHS + 1)
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why the request needs more time (complex or numerous requests)",
        widget=forms.Textarea,
        max_length=2000,
    )


class RefuseForm(GovukForm):
    submit_label = "Refuse the request"
    reason = forms.CharField(
        label="Why the request is refused", widget=forms.Textarea, max_length=2000
    )


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False,
        choices=[
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("completed", "Completed or refused"),
            ("all", "All"),
        ],
    )


# Legal holds and retention decisions.
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
