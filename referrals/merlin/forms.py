"""Forms for police MERLIN reports: one report typed in, or a CSV file of many."""

import datetime as dt

from django import forms

from core.enums import Rag
from core.forms import GovukForm, yes_no_field

from .models import MerlinCategory
from .services import ReportData, SubjectData, _date, _time

CHILD_SLOTS = 3
ADULT_SLOTS = 2


def _person_fields(prefix: str, label: str, *, checks: bool) -> dict[str, forms.Field]:
    fields = {
        f"{prefix}_first_name": forms.CharField(
            label=f"{label}: first name", required=False, max_length=80
        ),
        f"{prefix}_last_name": forms.CharField(
            label=f"{label}: last name", required=False, max_length=80
        ),
        f"{prefix}_date_of_birth": forms.CharField(
            label=f"{label}: date of birth",
            help_text="For example, 27/03/2015",
            required=False,
            max_length=10,
        ),
        f"{prefix}_address_line_1": forms.CharField(
            label=f"{label}: address", required=False, max_length=120
        ),
        f"{prefix}_postcode": forms.CharField(
            label=f"{label}: postcode", required=False, max_length=10
        ),
    }
    if checks:
        fields[f"{prefix}_background_checks"] = forms.CharField(
            label=f"{label}: police background checks",
            widget=forms.Textarea,
            required=False,
            max_length=5000,
        )
    return fields


class MerlinForm(GovukForm):
    submit_label = "Submit the MERLIN report"

    reference = forms.CharField(label="MERLIN reference", max_length=30)
    police_rag = forms.ChoiceField(
        label="Police RAG rating", choices=Rag.choices, widget=forms.RadioSelect
    )
    incident_date = forms.CharField(
        label="Date of the incident", help_text="For example, 27/03/2025", max_length=10
    )
    incident_time = forms.CharField(
        label="Time of the incident",
        help_text="24-hour clock, for example 21:30",
        required=False,
        max_length=5,
    )
    category = forms.ChoiceField(
        label="Category", choices=MerlinCategory.choices, widget=forms.RadioSelect
    )
    safeguarding_concerns = yes_no_field(
        "Are there safeguarding concerns for a child?",
        required=True,
        help_text="A youth crime or anti-social behaviour report with none goes to the youth service.",
    )
    summary = forms.CharField(
        label="Summary of the incident", widget=forms.Textarea, max_length=20000
    )
    decision_maker_name = forms.CharField(label="Police decision maker's name", max_length=120)
    decision_maker_rank = forms.CharField(label="Police decision maker's rank", max_length=60)
    signed_off = forms.BooleanField(
        label="The police decision maker has checked the RAG rating and signed off this report",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CHILD_SLOTS + 1):
            self.fields.update(_person_fields(f"child{i}", f"Child {i}", checks=False))
        for i in range(1, ADULT_SLOTS + 1):
            self.fields.update(_person_fields(f"adult{i}", f"Adult {i}", checks=True))
        self.refresh_layout()

    def clean_incident_date(self) -> dt.date:
        try:
            return _date(self.cleaned_data["incident_date"].strip())
        except ValueError:
            raise forms.ValidationError("Enter the date of the incident, like 27/03/2025") from None

    def clean_incident_time(self) -> dt.time:
        try:
            return _time(self.cleaned_data["incident_time"].strip())
        except ValueError:
            raise forms.ValidationError("Enter the time like 21:30") from None

    def clean(self):
        data = super().clean()
        for prefix in [f"child{i}" for i in range(1, CHILD_SLOTS + 1)] + [
            f"adult{i}" for i in range(1, ADULT_SLOTS + 1)
        ]:
            name = f"{prefix}_date_of_birth"
            value = (data.get(name) or "").strip()
            try:
                data[name] = _date(value) if value else None
            except ValueError:
                self.add_error(name, "Enter the date of birth like 27/03/2015")
                continue
            has_name = data.get(f"{prefix}_first_name") or data.get(f"{prefix}_last_name")
            if has_name and not (
                data.get(f"{prefix}_first_name") and data.get(f"{prefix}_last_name")
            ):
                self.add_error(f"{prefix}_last_name", "Enter both the first and the last name")
        return data

    def report_data(self) -> ReportData:
        d = self.cleaned_data
        from django.utils import timezone

        subjects = []
        for prefix, is_child in [(f"child{i}", True) for i in range(1, CHILD_SLOTS + 1)] + [
            (f"adult{i}", False) for i in range(1, ADULT_SLOTS + 1)
        ]:
            if not d.get(f"{prefix}_first_name"):
                continue
            subjects.append(
                SubjectData(
                    is_child=is_child,
                    first_name=d[f"{prefix}_first_name"],
                    last_name=d[f"{prefix}_last_name"],
                    date_of_birth=d.get(f"{prefix}_date_of_birth"),
                    address_line_1=d.get(f"{prefix}_address_line_1", ""),
                    postcode=d.get(f"{prefix}_postcode", ""),
                    background_checks=d.get(f"{prefix}_background_checks", ""),
                )
            )
        return ReportData(
            reference=d["reference"],
            police_rag=d["police_rag"],
            incident_at=dt.datetime.combine(
                d["incident_date"], d["incident_time"], tzinfo=timezone.get_current_timezone()
            ),
            category=d["category"],
            safeguarding_concerns=bool(d["safeguarding_concerns"]),
            summary=d["summary"],
            decision_maker_name=d["decision_maker_name"],
            decision_maker_rank=d["decision_maker_rank"],
            signed_off=bool(d.get("signed_off")),
            subjects=subjects,
        )


class MerlinUploadForm(GovukForm):
    submit_label = "Upload and import"

    file = forms.FileField(
        label="CSV file of MERLIN reports",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
