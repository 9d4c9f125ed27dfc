"""The open clocks counted by the database as they change (`DeadlineTally`, kept by triggers on
the clocks: migration 0024), for the overdue dashboard of a manager who watches every open
clock on a contact, or every clock their team answers for: 100,000 and 44,000 clocks at a
large council, counted in 26-37 ms on each page and on each minute's refresh.

The tally knows what the sweep has marked (breached, due soon, neither); the dashboard counts
a clock past due as overdue, and one past its warning as due soon, even before the sweep has
marked it (beat may be late). The few clocks the sweep has yet to mark are read live from the
two partial indexes that hold exactly them (the sweep's own claims), and the tally corrected
by them, so the counts are the clocks' own at this moment, not the last sweep's.
"""

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from .models import DeadlineTally, TallyState

# The groups the dashboard counts by (thresholds.selectors._GROUPS).
GROUPS = ("team_id", "responsible_id", "kind", "rag")


class TalliedQ(Q):
    """A part of the open clocks the tally can count: `every_clock_on_a_contact()` or
    `team_clocks(team)`. It filters clocks like any Q (the dashboard's list reads the clocks
    themselves); `tally` says which rows of the tally count the same clocks. A Q combined
    from one (`&`, `|`, `~`) counts other clocks: it has no tally."""

    tally: dict | None = None

    def __init__(self, *args, tally: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tally = tally


def tally_of(part: Q) -> dict | None:
    """Which tally rows count the part's clocks, if the tally can (`TalliedQ`)."""
    return getattr(part, "tally", None) if isinstance(part, TalliedQ) else None


def every_clock_on_a_contact() -> TalliedQ:
    return TalliedQ(contact__isnull=False, tally={"on_contact": True})


def team_clocks(team_id: int) -> TalliedQ:
    return TalliedQ(team_id=team_id, tally={"team_id": team_id})


def in_use() -> bool:
    """Whether the triggers keep a tally: PostgreSQL's, not the embedded demo's SQLite."""
    return connection.vendor == "postgresql"


def grouped(
    tally: dict,
    clocks: QuerySet,
    *,
    now: dt.datetime,
    team: int | str | None = None,
    kind: str | None = None,
    rag: str | None = None,
) -> list[dict]:
    """A part's open clocks by team, worker, kind and RAG: overdue, due soon and in all, as
    `thresholds.selectors._grouped` counts them from the clocks. `tally`: the part's
    (`tally_of`); `clocks`: the same part's open clocks with the same filters
    (selectors.open_deadlines_for), read only for the clocks the sweep has yet to mark."""
    tallied = DeadlineTally.objects.filter(**tally)
    if team:
        tallied = tallied.filter(team_id=team)
    if kind:
        tallied = tallied.filter(kind=kind)
    if rag:
        tallied = tallied.filter(rag=rag)
    rows: dict[tuple, dict] = {}

    def row(key: tuple) -> dict:
        return rows.setdefault(
            key, {**dict(zip(GROUPS, key, strict=True)), "overdue": 0, "due_soon": 0, "total": 0}
        )

    for r in tallied.order_by().values(*GROUPS, "state").annotate(n=Sum("n")).exclude(n=0):
        counted = row(tuple(r[g] for g in GROUPS))
        counted["total"] += r["n"]
        if r["state"] == TallyState.OVERDUE:
            counted["overdue"] += r["n"]
        elif r["state"] == TallyState.DUE_SOON:
            counted["due_soon"] += r["n"]
    clocks = clocks.order_by()
    # Past due, not yet marked breached (index deadline_to_breach): overdue now; those marked
    # due soon are overdue instead.
    for r in (
        clocks.filter(breached_at__isnull=True, due_at__lte=now)
        .values(*GROUPS)
        .annotate(n=Count("due_at"), soon=Count("due_at", filter=Q(due_soon_at__isnull=False)))
    ):
        counted = row(tuple(r[g] for g in GROUPS))
        counted["overdue"] += r["n"]
        counted["due_soon"] -= r["soon"]
    # Past their warning, not yet marked (index deadline_to_warn), not yet due: due soon now.
    # Not yet due is counted, not filtered: as a condition it let PostgreSQL walk the index
    # of every clock not yet breached by due time (35,000 of them, 25 ms) instead of this one.
    for r in (
        clocks.filter(due_soon_at__isnull=True, breached_at__isnull=True, warn_at__lte=now)
        .values(*GROUPS)
        .annotate(n=Count("due_at", filter=Q(due_at__gt=now)))
    ):
        row(tuple(r[g] for g in GROUPS))["due_soon"] += r["n"]
    return [r for r in rows.values() if r["total"]]


# Folds each group's rows into one, and drops the groups that came to nothing. The DELETE
# sees the rows committed when it starts; rows a transaction adds meanwhile are not deleted
# and still count, and a reader sees the rows before or after, never half (one statement).
COMPACT = """
WITH gone AS (
    DELETE FROM thresholds_deadlinetally
    RETURNING team_id, responsible_id, kind, rag, on_contact, state, n
)
INSERT INTO thresholds_deadlinetally (team_id, responsible_id, kind, rag, on_contact, state, n)
SELECT team_id, responsible_id, kind, rag, on_contact, state, sum(n) FROM gone
GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0
"""


def compact() -> None:
    """Fold the tally's rows (the sweep does, each run): its reads stay a few hundred rows
    however many changes the clocks have seen. Only when some group has more than one row,
    so a quiet minute writes nothing."""
    if not in_use():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM thresholds_deadlinetally GROUP BY team_id, "
            "responsible_id, kind, rag, on_contact, state HAVING count(*) > 1)"
        )
        if cursor.fetchone()[0]:
            cursor.execute(COMPACT)
