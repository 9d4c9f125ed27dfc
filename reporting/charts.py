"""Bar charts drawn on the server as SVG, from a table's numbers (the table is shown beside it).

This module only works out geometry (where each bar and label goes); the SVG itself is the
template `reporting/includes/_bar_chart.html`, so no markup is built in Python. A chart is
readable without colour: each series has its own fill *and* pattern (solid, outlined with
hatching), named in a text legend, and every bar carries its number as text.
"""

import textwrap
from dataclasses import dataclass
from numbers import Number

from .tables import Table

WIDTH = 640
LABEL_HEIGHT = 20
LABEL_LINE = 17  # each further line of a long label
# A label longer than this many characters is wrapped onto further lines: at 14px Arial a
# line of 72 of the widest usual text fits the chart's 640 units, where one line would run
# past its edge and be cut off (a consent ground or an outcome can be a sentence long).
LABEL_CHARS = 72
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
BAR_SPACE = 520  # the longest bar; the rest of the width holds its number
MAX_GROUPS = 25  # a longer table is charted for its first rows; the table shows them all


def format_value(value, unit: str = "") -> str:
    """A number as the chart and the table print it ("no data" for none)."""
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    if isinstance(value, Number):
        return f"{value:,}{unit}"
    return str(value)


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    style: str  # "solid" or "hatched": the template's fill for each


@dataclass(frozen=True)
class Bar:
    series: Series
    y: int
    width: int
    value: object
    text: str = ""


@dataclass(frozen=True)
class Line:
    text: str
    y: int


@dataclass(frozen=True)
class Group:
    label: str
    y: int
    bars: list[Bar]
    lines: tuple[Line, ...] = ()


def label_lines(label: str, y: int) -> tuple[Line, ...]:
    """The label's lines, each with its baseline: one for a short label, more for a long one
    (a word longer than a line is broken rather than left to run off the chart)."""
    texts = textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]
    return tuple(Line(text, y + i * LABEL_LINE) for i, text in enumerate(texts))


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    height: int
    width: int
    series: list[Series]
    groups: list[Group]
    note: str = ""


def bar_chart(table: Table, series: list[Series] | None = None, *, id: str = "") -> BarChart | None:
    """The chart of `table.value_key` (or the given series) against `table.label_key`."""
    if table.chart != "bar" or not table.rows:
        return None
    if not (series or table.value_key):
        return None
    column = next((c for c in table.columns if c.key == table.value_key), None)
    unit = "%" if column is not None and column.label.startswith("%") else ""
    series = series or [Series(table.value_key, column.label if column else "Count", "solid")]
    rows = table.rows[:MAX_GROUPS]
    values = [row.get(s.key) for row in rows for s in series if isinstance(row.get(s.key), Number)]
    top = max([abs(v) for v in values] + [0])
    groups, y = [], 0
    for row in rows:
        label = str(row.get(table.label_key, ""))
        lines = label_lines(label, y + LABEL_HEIGHT - 6)
        label_y = lines[0].y
        y += LABEL_HEIGHT + LABEL_LINE * (len(lines) - 1)
        bars = []
        for s in series:
            value = row.get(s.key)
            number = abs(value) if isinstance(value, Number) else 0
            width = round(BAR_SPACE * number / top) if top else 0
            bars.append(
                Bar(
                    series=s,
                    y=y,
                    width=max(width, 1 if number else 0),
                    value=value,
                    text=format_value(value, unit),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label=label, y=label_y, bars=bars, lines=lines))
        y += GROUP_GAP
    return BarChart(
        id=id or f"chart-{table.key}",
        title=table.title,
        height=max(y, 1),
        width=WIDTH,
        series=series,
        groups=groups,
        note=""
        if len(table.rows) <= MAX_GROUPS
        else f"The chart shows the first {MAX_GROUPS} rows; the table shows all {len(table.rows)}.",
    )


def compared_chart(table: Table) -> BarChart | None:
    """This period against the previous one, for a table made by `reports.compare`."""
    if not table.value_key.endswith("__now"):
        return bar_chart(table)
    base = table.value_key.removesuffix("__now")
    return bar_chart(
        table,
        [
            Series(table.value_key, "This period", "solid"),
            Series(f"{base}__previous", "Previous period", "hatched"),
        ],
    )
