"""Percentiles of durations in SQL, with the same answer on SQLite.

PostgreSQL computes medians and 90th percentiles itself (`percentile_cont ... WITHIN GROUP`),
so a year of a large council's clocks never leaves the database. SQLite (the embedded demo of
`make run`) has no ordered-set aggregates: there the durations of each group are read in one
ordered query and interpolated exactly as `percentile_cont` does (`percentile_cont` below), so
the demo shows the same numbers PostgreSQL would.
"""

import math
from collections.abc import Sequence

from django.db import connections
from django.db.models import Aggregate, F, FloatField, Func, QuerySet


class EpochSeconds(Func):
    """Seconds in a PostgreSQL interval (a datetime minus a datetime)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an expression (NULLs ignored)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        # A float of our own, never user input: safe to place in the SQL text.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_cont(ordered: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over values already in ascending order."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def supports_percentiles(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def duration_percentiles(
    queryset: QuerySet, group: str, start: str, end: str, fractions: dict[str, float]
) -> dict:
    """{group value: {name: seconds}} for the time from `start` to `end` of each row whose
    `end` is set, the percentiles named by `fractions` (e.g. {"median": 0.5})."""
    rows = queryset.filter(**{f"{end}__isnull": False}).order_by()
    if supports_percentiles(queryset):
        seconds = EpochSeconds(F(end) - F(start))
        found = rows.values(group).annotate(
            **{name: PercentileCont(seconds, f) for name, f in fractions.items()}
        )
        return {row[group]: {name: row[name] for name in fractions} for row in found}
    # SQLite: one ordered read of (group, start, end); the grouping and interpolation below
    # are the fallback for the embedded demo only.
    by_group: dict = {}
    for key, began, ended in rows.values_list(group, start, end).order_by(group):
        by_group.setdefault(key, []).append((ended - began).total_seconds())
    return {
        key: {name: percentile_cont(sorted(values), f) for name, f in fractions.items()}
        for key, values in by_group.items()
    }
