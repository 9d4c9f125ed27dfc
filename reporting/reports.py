"""What a period report shows: every figure for its period against the previous period.

The figures come from `reporting.figures.sections_for(period, profile)`, the same code the MI
page uses, called once for the report's period and once for `Period.previous()`. Each pair of
tables becomes one comparison `Table` (this period, previous period, change), so the report
page, its chart, the PDF and the export all show the same numbers.
"""

import datetime as dt
from numbers import Number

from dateutil.relativedelta import relativedelta

from thresholds.models import CouncilProfile

from .models import Report, ReportKind
from .tables import Column, Period, Section, Table, quarter_of

NOW, PREVIOUS, CHANGE = "now", "previous", "change"


def sections_for(period: Period, profile: CouncilProfile) -> list[Section]:
    """The MI figures for a period; the one place this app calls into `reporting.figures`."""
    from . import figures  # late: the figures module is the MI page's, and may grow heavy

    return figures.sections_for(period, profile)


def report_period(report: Report) -> Period:
    return Period(report.period_start, report.period_end, report.get_kind_display())


def report_sections(report: Report) -> list[Section]:
    """The report's figures, each against the previous period."""
    return compared_sections(report_period(report), report.profile)


def compared_sections(period: Period, profile: CouncilProfile) -> list[Section]:
    before = {t.key: t for s in sections_for(period.previous(), profile) for t in s.tables}
    return [
        Section(
            key=section.key,
            title=section.title,
            tables=[
                compare(table, before.get(table.key), period)
                for table in section.tables
                # Lists of people are not report figures (they are the click-through).
                if not table.personal
            ],
        )
        for section in sections_for(period, profile)
    ]


def find_table(
    figure: str, period: Period, profile: CouncilProfile, *, compare_previous: bool = False
) -> Table | None:
    """The figure named `figure` for the period (against the previous one if asked)."""
    sections = (
        compared_sections(period, profile) if compare_previous else sections_for(period, profile)
    )
    for section in sections:
        for table in section.tables:
            if table.key == figure:
                return table
    return None


def _label_key(table: Table) -> str:
    if table.label_key:
        return table.label_key
    return next((c.key for c in table.columns if not c.numeric), "")


def _change(now, before):
    if isinstance(now, Number) and isinstance(before, Number):
        difference = now - before
        return round(difference, 1) if isinstance(difference, float) else difference
    return None


def compare(table: Table, before: Table | None, period: Period) -> Table:
    """One table with, for each numeric column, this period, the previous period and the change."""
    label_key = _label_key(table)
    numeric = [c for c in table.columns if c.numeric]
    label_column = next((c for c in table.columns if c.key == label_key), Column("label", "Row"))

    def label_of(row: dict, index: int):
        return row.get(label_key) if label_key else f"Row {index + 1}"

    now_rows = {label_of(r, i): r for i, r in enumerate(table.rows)}
    before_rows = {label_of(r, i): r for i, r in enumerate(before.rows if before else [])}
    labels = list(now_rows) + [label for label in before_rows if label not in now_rows]

    columns = [Column("label", label_column.label)]
    one = len(numeric) == 1
    for c in numeric:
        prefix = "" if one else f"{c.label}: "
        columns += [
            Column(f"{c.key}__{NOW}", f"{prefix}this period" if prefix else "This period", True),
            Column(
                f"{c.key}__{PREVIOUS}",
                f"{prefix}previous period" if prefix else "Previous period",
                True,
            ),
            Column(f"{c.key}__{CHANGE}", f"{prefix}change" if prefix else "Change", True),
        ]
    rows = []
    for label in labels:
        now, prev = now_rows.get(label, {}), before_rows.get(label, {})
        row = {"label": label}
        for c in numeric:
            # A row missing from one period counted nothing there.
            a = now.get(c.key, 0 if now == {} else None)
            b = prev.get(c.key, 0 if prev == {} else None)
            row[f"{c.key}__{NOW}"] = a
            row[f"{c.key}__{PREVIOUS}"] = b
            row[f"{c.key}__{CHANGE}"] = _change(a, b)
        rows.append(row)
    value_key = table.value_key or (numeric[0].key if numeric else "")
    previous = period.previous()
    return Table(
        key=table.key,
        title=table.title,
        columns=tuple(columns),
        rows=rows,
        caption=f"{table.caption or table.title}: {period} against {previous}",
        chart=table.chart if value_key else "",
        label_key="label",
        value_key=f"{value_key}__{NOW}" if value_key else "",
        personal=False,
    )


# The periods a report may cover.


def is_quarter(period: Period) -> bool:
    return quarter_of(period.start) == Period(period.start, period.end, "quarter")


def is_half_year(period: Period) -> bool:
    """Six whole calendar months starting at a quarter (April to September, and so on)."""
    return period.start == quarter_of(
        period.start
    ).start and period.end == period.start + relativedelta(months=6) - dt.timedelta(days=1)


def fits(kind: str, period: Period) -> bool:
    return is_quarter(period) if kind == ReportKind.QUARTERLY else is_half_year(period)


def offered_periods(today: dt.date) -> list[tuple[str, Period]]:
    """The reports a manager may start: the last four quarters and the quarter now, and the last
    two half years (April–September, October–March) and the one now."""
    offered = []
    quarter = quarter_of(today)
    for _ in range(5):
        offered.append((ReportKind.QUARTERLY.value, quarter))
        quarter = quarter_of(quarter.start - dt.timedelta(days=1))
    # Half years of the financial year: starting 1 April or 1 October.
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    if today.month >= 10 or today.month < 4:
        start = dt.date(start.year, 10, 1)
    for _ in range(3):
        end = start + relativedelta(months=6) - dt.timedelta(days=1)
        offered.append((ReportKind.BOARD.value, Period(start, end, "six months")))
        start = start - relativedelta(months=6)
    return offered


def period_label(period: Period) -> str:
    if period.start.year == period.end.year:
        return f"{period.start:%B} to {period.end:%B %Y}"
    return f"{period.start:%B %Y} to {period.end:%B %Y}"
