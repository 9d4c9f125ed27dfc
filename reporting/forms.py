"""The period a manager asks the figures for: a named period or a custom range of dates."""

import datetime as dt

from django import forms

from core.forms import GovukDateField, GovukForm

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
