"""Forms: the period a manager asks the figures for, starting and writing period reports,
and asking for an export."""

import datetime as dt

from django import forms

from core.forms import GovukDateField, GovukForm

from .exports import FORMATS
from .models import Report, ReportKind
from .reports import offered_periods, period_label
from .tables import Period, named_periods

CUSTOM = "custom"
DEFAULT = "last_quarter"
# A longer range is refused: figures over many years say little and cost much.
MAX_DAYS = 3 * 366
CHOICES = [
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("last_quarter", "Last quarter"),
    ("last_six_months", "Last six months"),
    ("last_year", "Last 12 months"),
    (CUSTOM, "A range of dates"),
]


class PeriodForm(GovukForm):
    submit_label = "Show figures"

    period = forms.ChoiceField(
        label="Period",
        choices=CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a period", "invalid_choice": "Select a period"},
    )
    start = GovukDateField(
        label="From", required=False, min_year=2000, help_text="For example, 1 4 2026"
    )
    end = GovukDateField(
        label="To", required=False, min_year=2000, help_text="For example, 30 6 2026"
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].initial = DEFAULT

    def clean(self) -> dict:
        data = super().clean()
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", "Enter the first day of the range")
        if end is None and "end" not in self.errors:
            self.add_error("end", "Enter the last day of the range")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be the same as or after the first day")
            elif end > self.today:
                self.add_error("end", "The last day must be today or in the past")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", "Choose a range of 3 years or less")
        return data

    def chosen(self) -> Period:
        """The period asked for (call after is_valid)."""
        data = self.cleaned_data
        if data["period"] == CUSTOM:
            return Period(data["start"], data["end"], "Custom range")
        return named_periods(self.today)[data["period"]]


def default_period(today: dt.date) -> Period:
    return named_periods(today)[DEFAULT]


def period_from(start: str, end: str, today: dt.date) -> Period | None:
    """A period from ISO dates in a link (the click-through), or None if they are not one the
    form would accept."""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except (TypeError, ValueError):
        return None
    if first.year < 2000 or last < first or (last - first).days + 1 > MAX_DAYS:
        return None
    return Period(first, last)


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
    # A row of the figure: export the contacts behind it rather than the figure.
    row = forms.CharField(required=False, max_length=100)
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
