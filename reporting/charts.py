"""Bar charts drawn from a figure's table, as geometry for a server-made SVG (no JavaScript).

Only numbers and positions are computed here; templates/reporting/includes/_bar_chart.html
draws them. Every bar carries its value as printed text, so the chart reads without colour,
and the table beside it is the accessible alternative (the SVG is an image with a title and
a description).
"""

from dataclasses import dataclass

from .tables import Table

WIDTH = 640
ROW = 44  # a label line and a bar beneath it
BAR = 18
LABEL_Y = 15
VALUE_SPACE = 90  # room after the longest bar for its printed value
MAX_BARS = 25


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    bar_y: int
    width: float
    text_x: float
    text_y: int


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]


def format_value(value, unit: str = "") -> str:
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


def bar_chart(table: Table) -> BarChart | None:
    """The chart of `table.value_key` against `table.label_key`, or None for a table drawn
    without a chart (or with nothing to draw)."""
    if table.chart != "bar" or not table.rows or not table.value_key:
        return None
    rows = table.rows[:MAX_BARS]
    values = [row.get(table.value_key) for row in rows]
    largest = max((v for v in values if isinstance(v, int | float)), default=0)
    column = next((c for c in table.columns if c.key == table.value_key), None)
    unit = "%" if column is not None and column.label.startswith("%") else ""
    span = WIDTH - VALUE_SPACE
    bars = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        width = span * value / largest if largest and isinstance(value, int | float) else 0
        y = i * ROW
        bars.append(
            Bar(
                label=str(row.get(table.label_key, "")),
                text=format_value(value, unit),
                y=y + LABEL_Y,
                bar_y=y + LABEL_Y + 6,
                width=round(width, 1),
                text_x=round(width + 6, 1),
                text_y=y + LABEL_Y + 6 + BAR - 4,
            )
        )
    shown = "" if len(table.rows) <= MAX_BARS else f" The chart shows the first {MAX_BARS} rows."
    label = column.label if column is not None else table.value_key
    return BarChart(
        key=table.key,
        title=table.title,
        description=f"Bar chart of {label.lower()} for each row of the table below, "
        f"with each value printed beside its bar.{shown}",
        width=WIDTH,
        height=len(rows) * ROW + 6,
        bars=bars,
    )
