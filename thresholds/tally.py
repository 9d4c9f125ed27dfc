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
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from .models import Deadline, DeadlineTally, TallyState

# The groups the dashboard counts by, and the tally keeps (selectors.deadline_counts).
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
    return part.tally if isinstance(part, TalliedQ) else None


def every_clock_on_a_contact() -> TalliedQ:
    return TalliedQ(contact__isnull=False, tally={"on_contact": True})


def team_clocks(team_id: int) -> TalliedQ:
    return TalliedQ(team_id=team_id, tally={"team_id": team_id})


def in_use() -> bool:
    """Whether the triggers keep a tally: PostgreSQL's, not the embedded demo's SQLite."""
    return connection.vendor == "postgresql"


def grouped(
    tally: dict,
    *,
    now: dt.datetime,
    team: int | str | None = None,
    kind: str | None = None,
    rag: str | None = None,
) -> list[dict]:
    """A part's open clocks by team, worker, kind and RAG: overdue, due soon and in all, as
    `thresholds.selectors._grouped` counts them from the clocks. `tally`: the part's
    (`tally_of`); the filters as `selectors.open_deadlines_for` takes them."""
    wanted = {**tally}
    for column, value in (("team_id", int(team) if team else None), ("kind", kind), ("rag", rag)):
        if value and wanted.setdefault(column, value) != value:
            return []  # another team's filter on a team's own clocks: none
    rows: dict[tuple, dict] = {}

    def row(key: tuple) -> dict:
        return rows.setdefault(
            key, {**dict(zip(GROUPS, key, strict=True)), "overdue": 0, "due_soon": 0, "total": 0}
        )

    tallied = DeadlineTally.objects.filter(**wanted).order_by()
    for r in tallied.values(*GROUPS, "state").annotate(n=Sum("n")).exclude(n=0):
        counted = row(tuple(r[g] for g in GROUPS))
        counted["total"] += r["n"]
        if r["state"] == TallyState.OVERDUE:
            counted["overdue"] += r["n"]
        elif r["state"] == TallyState.DUE_SOON:
            counted["due_soon"] += r["n"]
    for r in _unmarked(now):
        if all(r[column] == value for column, value in wanted.items()):
            counted = row(tuple(r[g] for g in GROUPS))
            counted["overdue"] += r["late"]
            counted["due_soon"] += r["warned"] - r["late_marked_soon"]
    return [r for r in rows.values() if r["total"]]


def _unmarked(now: dt.datetime) -> list[dict]:
    """The open clocks the sweep has yet to mark, by the tally's groups: past due and not
    marked breached (overdue now; those marked due soon are no longer due soon), past their
    warning and not marked at all, not yet due (due soon now). Read whole from the two partial
    indexes that hold exactly them (the sweep's claims, deadline_to_breach and
    deadline_to_warn: a few hundred clocks while beat keeps up) and picked out here, not
    filtered by team in SQL: a team's filter let PostgreSQL read the team's index instead,
    through every clock of the team already breached (27,500 for the early help team, 7 ms).
    Not yet due is counted, not filtered, for the same reason (a condition on due time walked
    the index of every clock not yet breached: 35,000, 25 ms)."""
    on_contact = ExpressionWrapper(Q(contact__isnull=False), output_field=BooleanField())
    open_clocks = Deadline.objects.open().order_by()
    rows: dict[tuple, dict] = {}
    for r in (
        open_clocks.filter(breached_at__isnull=True, due_at__lte=now)
        .values(*GROUPS, on_contact=on_contact)
        .annotate(
            late=Count("due_at"),
            late_marked_soon=Count("due_at", filter=Q(due_soon_at__isnull=False)),
        )
    ):
        rows[tuple(r[g] for g in (*GROUPS, "on_contact"))] = {**r, "warned": 0}
    for r in (
        open_clocks.filter(due_soon_at__isnull=True, breached_at__isnull=True, warn_at__lte=now)
        .values(*GROUPS, on_contact=on_contact)
        .annotate(warned=Count("due_at", filter=Q(due_at__gt=now)))
    ):
        key = tuple(r[g] for g in (*GROUPS, "on_contact"))
        rows.setdefault(key, {**r, "late": 0, "late_marked_soon": 0})["warned"] = r["warned"]
    return list(rows.values())


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
