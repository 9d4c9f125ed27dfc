"""Shaping aggregated rows into tables: labels, percentages, click-through links."""

from urllib.parse import urlencode

from django.db.models import (
    Count,
    QuerySet,
)
from django.urls import reverse

from ..tables import Column, Period, Table
from .conditions import NONE

# --- Building tables --------------------------------------------------------------------


def _link(figure: str, row: object, period: Period) -> str:
    query = {
        "figure": figure,
        "row": "" if row is None else str(row),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }
    return f"{reverse('reporting:contacts')}?{urlencode(query)}"


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _counted(
    *,
    key: str,
    title: str,
    caption: str,
    label: str,
    counts: dict,
    labels: dict,
    period: Period,
    total: int | None = None,
    drill: bool = True,
    keep_zero: bool = True,
) -> Table:
    """A one-count-per-category figure: every category in `labels` order (zero rows kept
    unless `keep_zero` is False), then any value found that `labels` does not name."""
    order = list(labels) + [k for k in counts if k not in labels]
    rows, links = [], {}
    total = sum(counts.values()) if total is None else total
    for code in order:
        n = counts.get(code, 0)
        if not n and not keep_zero:
            continue
        if drill and n:
            links[len(rows)] = _link(key, code if code not in ("", None) else NONE, period)
        rows.append(
            {
                "label": labels.get(code, str(code)),
                "code": code or "",
                "count": n,
                "percent": _percent(n, total),
            }
        )
    return Table(
        key=key,
        title=title,
        caption=caption,
        columns=(
            Column("label", label),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of total", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )


def _grouped(queryset: QuerySet, field: str) -> dict:
    # COUNT(*), not of the key: a grouped count then needs nothing the index does not hold.
    return {
        row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("*"))
    }
