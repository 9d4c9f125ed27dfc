"""Showing a figure's table: a cell formatted for its column, a row's click-through link."""

from django import template

from reporting.charts import BarChart, bar_chart, format_value
from reporting.tables import Column, Table

register = template.Library()


@register.filter
def cell(row: dict, column: Column) -> str:
    value = row.get(column.key)
    if value is None:
        return "–"
    # A report's change from the previous period carries its sign.
    sign = (
        "+"
        if column.key.endswith("__change") and isinstance(value, int | float) and value > 0
        else ""
    )
    if column.numeric and column.label.startswith("%"):
        return sign + format_value(value, "%")
    if column.numeric:
        return sign + format_value(value)
    return str(value)


@register.filter
def link_for(table: Table, index: int) -> str:
    return table.links.get(index, "")


@register.filter
def chart_of(table: Table) -> BarChart | None:
    return bar_chart(table)
