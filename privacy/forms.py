from django import forms

from core.forms import GovukDateField, GovukForm
from referrals.models import Person

from .dates import MAX_EXTENSION_MONTHS
from .models import Requester


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
