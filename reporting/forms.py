"""Forms for starting and writing period reports, and asking for an export."""

import datetime as dt

from django import forms

from core.forms import GovukForm

from .exports import FORMATS
from .models import Report, ReportKind
from .reports import offered_periods, period_label
from .tables import Period


def _choice_value(kind: str, period: Period) -> str:
    return f"{kind}:{period.start.isoformat()}:{period.end.isoformat()}"


class ReportStartForm(GovukForm):
    submit_label = "Start the report"

    report = forms.ChoiceField(
        label="Which report do you want to start?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which report to start",
            "invalid_choice": "Select which report to start",
        },
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [
            (
                _choice_value(kind, period),
                f"{ReportKind(kind).label}: {period_label(period)}",
            )
            for kind, period in offered_periods(today)
        ]
        self.refresh_layout()

    def field_layout(self, name: str):
        from crispy_forms_gds.layout import Field, Size

        return Field.radios(name, legend_size=Size.LARGE, legend_tag="h1", inline=False)

    def chosen(self) -> tuple[str, Period]:
        kind, start, end = self.cleaned_data["report"].split(":")
        return kind, Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


class ReportWriteForm(GovukForm):
    submit_label = "Save the sections"

    multi_agency_issues = forms.CharField(
        label=Report._meta.get_field("multi_agency_issues").verbose_name,
        required=False,
        max_length=20_000,
        widget=forms.Textarea,
        help_text="Partners' responses, delays, disagreements and escalations in the period.",
    )
    emerging_issues = forms.CharField(
        label=Report._meta.get_field("emerging_issues").verbose_name,
        required=False,
        max_length=20_000,
        widget=forms.Textarea,
        help_text="Patterns of concern in the community that the figures or the work show.",
    )
    summary = forms.CharField(
        label=Report._meta.get_field("summary").verbose_name,
        required=False,
        max_length=20_000,
        widget=forms.Textarea,
    )


class ExportForm(forms.Form):
    """The figure, the period and the format: hidden fields on every table's export buttons."""

    figure = forms.RegexField(regex=r"^[a-z0-9_.-]{1,100}$", max_length=100)
    start = forms.DateField()
    end = forms.DateField()
    compare = forms.BooleanField(required=False)
    # What the page called the figure, shown while it is made; the task sets the real title.
    title = forms.CharField(required=False, max_length=200)
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The period cannot end before it starts")
            if (end - start).days > 3 * 366:
                raise forms.ValidationError("Export at most three years at once")
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])
