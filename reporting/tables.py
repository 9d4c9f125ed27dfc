"""What every management-information figure is: a table (and the chart drawn from it).

The MI pages (reporting.figures), the period reports and the exports all speak in these:
a figure is a `Table` of rows; a chart is drawn from the table, never the other way round, so
the numbers a reader sees in a chart are always the ones in the table beside it and in the
export. `Period` is the stretch of time a figure counts over.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the service's local time."""

    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same shape just before this one (a quarter before a quarter)."""
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = _add_months(self.start, -months)
            return Period(start, self.start - dt.timedelta(days=1), "previous period")
        return Period(
            self.start - dt.timedelta(days=self.days),
            self.start - dt.timedelta(days=1),
            "previous period",
        )

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_of(day: dt.date) -> Period:
    first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(first, _add_months(first, 3) - dt.timedelta(days=1), "quarter")


def named_periods(today: dt.date) -> dict[str, Period]:
    """The periods a manager picks from; a custom range is made from two dates."""
    this_month = dt.date(today.year, today.month, 1)
    last_quarter = quarter_of(quarter_of(today).start - dt.timedelta(days=1))
    return {
        "this_month": Period(this_month, today, "This month"),
        "last_month": Period(
            _add_months(this_month, -1), this_month - dt.timedelta(days=1), "Last month"
        ),
        "last_quarter": Period(last_quarter.start, last_quarter.end, "Last quarter"),
        "last_six_months": Period(
            _add_months(this_month, -6), this_month - dt.timedelta(days=1), "Last six months"
        ),
        "last_year": Period(
            _add_months(this_month, -12), this_month - dt.timedelta(days=1), "Last 12 months"
        ),
    }


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """One figure's numbers. `rows` hold plain values by column key (str, int, float, date,
    None). `chart` names how the figure is drawn ("bar", or "" for a table alone); the chart
    plots `value_key` against `label_key`. `links` maps a row index to the URL of the list of
    records behind that row (the click-through), for readers allowed to follow it.
    `personal` is True when rows name or identify people: exporting it is logged as a read."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    caption: str = ""
    chart: str = "bar"
    label_key: str = ""
    value_key: str = ""
    links: dict[int, str] = field(default_factory=dict)
    personal: bool = False

    def values(self, key: str) -> list[Any]:
        return [row.get(key) for row in self.rows]


@dataclass(frozen=True)
class Section:
    """A heading on the MI page and in the reports, with its figures."""

    key: str
    title: str
    tables: list[Table]
