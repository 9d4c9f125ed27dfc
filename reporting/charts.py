"""Bar charts drawn on the server as SVG, from a table's numbers (the table is shown beside it).

This module only works out geometry (where each bar and label goes); the SVG itself is the
template `reporting/includes/_bar_chart.html`, so no markup is built in Python. A chart is
readable without colour: each series has its own fill *and* pattern (solid, outlined with
hatching), named in a text legend, and every bar carries its number as text.
"""

from dataclasses import dataclass
from numbers import Number

from .tables import Table

WIDTH = 640
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
BAR_SPACE = 520  # the longest bar; the rest of the width holds its number


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


@dataclass(frozen=True)
class Group:
    label: str
    y: int
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    height: int
    width: int
    series: list[Series]
    groups: list[Group]


def bar_chart(table: Table, series: list[Series] | None = None, *, id: str = "") -> BarChart | None:
    """The chart of `table.value_key` (or the given series) against `table.label_key`."""
    if table.chart != "bar" or not table.rows:
        return None
    series = series or [Series(table.value_key, "Count", "solid")]
    values = [
        row.get(s.key) for row in table.rows for s in series if isinstance(row.get(s.key), Number)
    ]
    top = max([abs(v) for v in values] + [0])
    groups, y = [], 0
    for row in table.rows:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for s in series:
            value = row.get(s.key)
            number = abs(value) if isinstance(value, Number) else 0
            width = round(BAR_SPACE * number / top) if top else 0
            bars.append(Bar(series=s, y=y, width=max(width, 1 if number else 0), value=value))
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label=str(row.get(table.label_key, "")), y=label_y, bars=bars))
        y += GROUP_GAP
    return BarChart(
        id=id or f"chart-{table.key}",
        title=table.title,
        height=max(y, 1),
        width=WIDTH,
        series=series,
        groups=groups,
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
