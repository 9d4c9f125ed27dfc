import datetime as dt
import operator
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from core.enums import Rag
from core.paging import bounded

from .models import (
    ClockKind,
    ClosureDay,
    CouncilProfile,
    Deadline,
    ThresholdIndicator,
    ThresholdLevel,
)
from .services import MANAGER_ROLES
from .tally import GROUPS


def current_profile() -> CouncilProfile:
    """The profile the service runs under (settings.COUNCIL_PROFILE)."""
    try:
        return CouncilProfile.objects.get(code=settings.COUNCIL_PROFILE)
    except CouncilProfile.DoesNotExist as exc:
        raise ImproperlyConfigured(
            f"COUNCIL_PROFILE={settings.COUNCIL_PROFILE!r} is not a known council profile."
        ) from exc


def service_name() -> str:
    """What the running profile calls its front door (the page header). One indexed query per
    page, not cached: a page's query count is then the same on every request, and a renamed
    service shows at once in every process."""
    if connection.vendor == "postgresql":
        # A fixed statement: the ORM built the same one again each page (0.4 ms of Python).
        meta = CouncilProfile._meta
        q = connection.ops.quote_name
        column, code = q(meta.get_field("service_name").column), q(meta.get_field("code").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {q(meta.db_table)} WHERE {code} = %s",  # noqa: S608
                [settings.COUNCIL_PROFILE],
            )
            row = cursor.fetchone()
        name = row[0] if row else None
    else:
        name = (
            CouncilProfile.objects.filter(code=settings.COUNCIL_PROFILE)
            .values_list("service_name", flat=True)
            .first()
        )
    return name or settings.SERVICE_NAME


def threshold_levels() -> list[ThresholdLevel]:
    """The threshold table in level order, each level's indicators prefetched in order."""
    # Ordering by "order" alone: the model's default (level__number, order) would join the levels again.
    indicators = Prefetch("indicators", queryset=ThresholdIndicator.objects.order_by("order"))
    return list(ThresholdLevel.objects.order_by("number").prefetch_related(indicators))


def closure_dates() -> frozenset[date]:
    """Every day the service is closed besides weekends and English bank holidays."""
    return frozenset(ClosureDay.objects.values_list("date", flat=True))


# --- Open clocks for managers and workers ------------------------------------------------


OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TIME = "on_time"
STATE_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon", ON_TIME: "On time"}

# Each sort key orders by due time last, so ties are always most urgent first.
SORTS = {
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "team": (F("team__name").asc(nulls_last=True), "due_at", "pk"),
    "kind": ("kind", "due_at", "pk"),
    "rag": ("rag_order", "due_at", "pk"),
}


def _overdue_q(now: dt.datetime) -> Q:
    # Past due counts as overdue even before the sweep has marked it: the dashboard must not
    # look calmer than the clock because beat was late.
    return Q(breached_at__isnull=False) | Q(due_at__lte=now)


def _due_soon_q(now: dt.datetime) -> Q:
    return ~_overdue_q(now) & (Q(due_soon_at__isnull=False) | Q(warn_at__lte=now))


def _with_state(qs: QuerySet[Deadline], now: dt.datetime) -> QuerySet[Deadline]:
    return qs.annotate(
        state=Case(
            When(_overdue_q(now), then=Value(OVERDUE)),
            When(_due_soon_q(now), then=Value(DUE_SOON)),
            default=Value(ON_TIME),
        ),
        rag_order=Case(
            When(rag=Rag.RED, then=Value(0)),
            When(rag=Rag.AMBER, then=Value(1)),
            When(rag=Rag.GREEN, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        role_label=Case(
            *(When(responsible_role=value, then=Value(label)) for value, label in Role.choices),
            default=F("responsible_role"),
        ),
    )


def _listed(qs: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """A list's clocks with what a row shows of their contact, team and worker, and no more:
    a contact row is wide, and making 50 whole ones cost more than their query."""
    return qs.select_related("contact", "team", "responsible").only(
        *(f.name for f in Deadline._meta.concrete_fields),
        "contact__reference",
        "team__name",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__username",
    )


def _visible_open(visible: Q) -> QuerySet[Deadline]:
    # The caller says which clocks' contacts the user may see (referrals.selectors.
    # contact_visibility(user, on="contact")): who may see a contact is the contacts app's
    # rule, and thresholds sits below it. A filter on the clock row, so the open clocks'
    # partial indexes choose the rows and each is checked on its contact's grants.
    return Deadline.objects.open().filter(visible)


def open_deadlines_for(
    visible: Q,
    *,
    team: int | str | None = None,
    kind: str | None = None,
    rag: str | None = None,
    state: str | None = None,
    sort: str = "due",
    now: dt.datetime | None = None,
) -> QuerySet[Deadline]:
    """Open clocks on contacts the user may see (`visible`), filtered and sorted.

    Rows carry `state` (overdue / due_soon / on_time) and everything a list shows is
    joined in, so rendering a page costs no query per row.
    """
    now = now or timezone.now()
    qs = _visible_open(visible)
    if team:
        qs = qs.filter(team_id=team)
    if kind:
        qs = qs.filter(kind=kind)
    if rag:
        qs = qs.filter(rag=rag)
    if state == OVERDUE:
        qs = qs.filter(_overdue_q(now))
    elif state == DUE_SOON:
        qs = qs.filter(_due_soon_q(now))
    return _listed(_with_state(qs, now)).order_by(*SORTS.get(sort, SORTS["due"]))


def _grouped(qs: QuerySet[Deadline], now: dt.datetime):
    return (
        qs.order_by()
        .values(*GROUPS)
        # due_at (never null) is counted, not the id: the covering indexes hold due_at.
        .annotate(
            overdue=Count("due_at", filter=_overdue_q(now)),
            due_soon=Count("due_at", filter=_due_soon_q(now)),
            total=Count("due_at"),
        )
    )


@dataclass(frozen=True)
class DeadlineCounts:
    overdue: int
    due_soon: int
    on_time: int
    by_team: list[dict]
    by_responsible: list[dict]
    by_kind: list[dict]
    by_rag: list[dict]

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.on_time


def deadline_counts(
    *querysets: QuerySet[Deadline] | list[dict], now: dt.datetime | None = None
) -> DeadlineCounts:
    """Overdue / due soon / on time, in total and by team, worker, kind and RAG, over the
    clocks of `querysets` (disjoint parts of one set, each read by its own indexes and added).
    A part may come already counted (a list of `_grouped`'s rows: thresholds.tally.grouped).

    One pass over the clocks grouped by all four at once (a few dozen to a few thousand
    groups), each group's overdue and due-soon clocks counted with FILTER, then the totals and
    the four tables added up here, then the teams' and workers' names for the groups found.
    The clocks (and, for a user without a role-wide view, each clock's grant probes) are read
    once; one hash of the four columns costs a third less than GROUPING SETS' five hashes over
    100,000 open clocks (covering index deadline_open_due_counted holds every column read)."""
    now = now or timezone.now()
    summary = {"overdue": 0, "due_soon": 0, "total": 0}
    tallies: dict[str, dict] = {c: {} for c in GROUPS}
    counted = (qs if isinstance(qs, list) else _grouped(qs, now) for qs in querysets)
    for row in (row for rows in counted for row in rows):
        for key in summary:
            summary[key] += row[key]
        for column in GROUPS:
            tally = tallies[column].setdefault(
                row[column], {column: row[column], "overdue": 0, "due_soon": 0, "total": 0}
            )
            for key in summary:
                tally[key] += row[key]
    groups: dict[str, list[dict]] = {c: list(tallies[c].values()) for c in GROUPS}
    for column in GROUPS:
        for tally in groups[column]:
            tally["on_time"] = tally["total"] - tally["overdue"] - tally["due_soon"]

    team_names = dict(
        Team.objects.filter(
            pk__in=[r["team_id"] for r in groups["team_id"] if r["team_id"]]
        ).values_list("pk", "name")
    )
    by_team = groups["team_id"]
    for row in by_team:
        row["team__name"] = team_names.get(row["team_id"])
        row["label"] = row["team__name"] or "No team"
    by_team.sort(key=lambda r: (r["team__name"] is None, r["team__name"] or ""))

    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[r["responsible_id"] for r in groups["responsible_id"] if r["responsible_id"]]
        ).only("first_name", "last_name", "username")
    }
    by_responsible = groups["responsible_id"]
    for row in by_responsible:
        user = people.get(row["responsible_id"])
        full = f"{user.first_name} {user.last_name}".strip() if user else ""
        row["label"] = (full or user.username) if user else "No one named"
        row["sort"] = (
            user is None,
            user.first_name if user else "",
            user.last_name if user else "",
        )
    by_responsible.sort(key=lambda r: r.pop("sort"))

    labels = dict(ClockKind.choices)
    by_kind = sorted(groups["kind"], key=lambda r: r["kind"])
    for row in by_kind:
        row["label"] = labels.get(row["kind"], row["kind"])
    rag_labels = dict(Rag.choices)
    by_rag = sorted(
        groups["rag"],
        key=lambda r: list(rag_labels).index(r["rag"]) if r["rag"] in rag_labels else 99,
    )
    for row in by_rag:
        row["label"] = rag_labels.get(row["rag"], "Not rated")
    return DeadlineCounts(
        overdue=summary["overdue"],
        due_soon=summary["due_soon"],
        on_time=summary["total"] - summary["overdue"] - summary["due_soon"],
        by_team=by_team,
        by_responsible=by_responsible,
        by_kind=by_kind,
        by_rag=by_rag,
    )


def answered_by(user) -> list[Q]:
    """The ways a user answers for a clock: by name; by team, for a manager of it; by role,
    where no one is named. One filter each, so each can be read from its own open-clock
    index (by person, by team, by role) in due order: `role IN (...)` could not be."""
    ways = [Q(responsible=user)]
    if user.team_id and user.has_role(*MANAGER_ROLES):
        ways.append(Q(team_id=user.team_id))
    ways += [Q(responsible__isnull=True, responsible_role=r.value) for r in user.roles]
    return ways


def managed_team(user) -> int | None:
    """The team whose clocks a manager answers for (a manager role and a team), else None."""
    return user.team_id if user.team_id and user.has_role(*MANAGER_ROLES) else None


def overseen_by(user) -> list[Q]:
    """Besides their team's own clocks (`managed_team`), the clocks a manager without a
    role-wide view of contacts watches on the overdue dashboard: those named to them or to a
    member of their team, and every clock their role answers for, named to someone or not (the
    early help duty manager watches the family workers' 12-week clocks). Each way is read from
    an open-clock index, so the dashboard reads these clocks, not every open clock in the
    service checked against the viewer's grants (a team's group holds a grant on every contact
    it ever had: 280,000 at a large council)."""
    ways = [Q(responsible=user)]
    if team := managed_team(user):
        # The members' ids read first: a join inside the OR would stop each way being read
        # from its own index (PostgreSQL's BitmapOr).
        members = list(User.objects.filter(team_id=team).values_list("pk", flat=True))
        ways.append(Q(responsible_id__in=members))
    # A role's clocks named to someone and not, apart: each half has its own open-clock index.
    for role in user.roles:
        ways += [
            Q(responsible__isnull=True, responsible_role=role.value),
            Q(responsible__isnull=False, responsible_role=role.value),
        ]
    return ways


def any_of(ways: list[Q]) -> Q:
    return reduce(operator.or_, ways)


def outside_team(ways: list[Q], team: int) -> Q:
    """The open clocks of any of `ways` (overseen_by) that are not `team`'s, as a filter.

    Each way is read alone and the ways' clocks outside the team are their UNION ALL: a role's
    clocks from an index that carries the clock's id and team (deadline_open_role_team,
    deadline_open_named_role), so the team is checked in the index; a person's few from theirs.
    With the ways OR'd PostgreSQL read them as one bitmap, and a bitmap's rows from the table,
    to check each clock's team (the early help duty manager's role answers for 44,000 clocks at
    a large council, all of them their own team's: 25 ms to find none). SQLite (`make run`):
    the OR."""
    if connection.vendor != "postgresql":
        return any_of(ways) & ~Q(team_id=team)
    arms = [
        Deadline.objects.open().filter(way).exclude(team_id=team).order_by().values("pk")
        for way in ways
    ]
    return Q(pk__in=arms[0].union(*arms[1:], all=True))


def clocks_for_user(
    user,
    *,
    visible: Q,
    now: dt.datetime | None = None,
    upto: int | None = None,
    ways: list[Q] | None = None,
) -> QuerySet[Deadline]:
    """Open clocks this user answers for, most urgent first.

    Theirs by name; their team's if they manage it; their role's when no one is named; only
    on contacts the user may see (`visible`, a filter on the clock).

    `upto`: only the first `upto` clocks are wanted (a page and its look-ahead count,
    core.paging.lookahead_rows). Each way of answering for a clock is then read in due order
    from its own open-clock index (by person, by team, by role) and cut there, and the page is
    taken from their union: with one `responsible = me OR team = mine OR role in mine` filter
    PostgreSQL walked every open clock in due order (100,000 at a large council) to find a team
    manager's few hundred, whose team and role it expected to be thousands.
    """
    ways = ways if ways is not None else answered_by(user)
    rows = _answered(visible, ways, upto)
    return _listed(_with_state(rows, now or timezone.now())).order_by("due_at", "pk")


def _answered(visible: Q, ways: list[Q], upto: int | None) -> QuerySet[Deadline]:
    """The open clocks of `ways` on contacts `visible`, unordered, each way cut at its first
    `upto` in due order (clocks_for_user)."""
    # SQLite (`make run`) cannot cut each part of a UNION: there, one filter (a demo's few
    # hundred clocks need no index walk).
    if upto is None or not connection.features.supports_slicing_ordering_in_compound:
        return _visible_open(visible).filter(any_of(ways))
    firsts = [
        _visible_open(visible).filter(way).order_by("due_at", "pk").values("pk")[:upto]
        for way in ways
    ]
    return Deadline.objects.filter(
        pk__in=firsts[0].union(*firsts[1:]) if len(firsts) > 1 else firsts[0]
    )


class ClocksPaged:
    """`clocks_for_user` for a paginator (core.paging.LookaheadPaginator): counted as far as the
    paginator's bound, and each page read from the ids the count found, in the same order
    (`tests/thresholds/test_paged_dashboard_and_tray.py`).

    The count reads each way of answering for a clock cut at the bound (551 for the first
    page) with their grant probes; it keeps their ids in due order, and a page within them is
    read by id, with its rows' state, contact, team and worker. Read without the count (or
    past it), a page reads every way cut at the page's end."""

    # The most ids a count keeps for its pages: the lookahead's bound up to page 30.
    KEEP_IDS_UP_TO = 2_001

    def __init__(self, user, *, visible: Q, now: dt.datetime | None = None):
        self.user = user
        self.visible = visible
        self.now = now or timezone.now()
        self.ways = answered_by(user)
        # The ids the count read, in due order, and how far it read: a page inside them is
        # read by id (see count_upto).
        self._counted: tuple[int, list[int]] | None = None

    def _rows(self, upto: int | None) -> QuerySet[Deadline]:
        return clocks_for_user(
            self.user, visible=self.visible, now=self.now, upto=upto, ways=self.ways
        )

    def count_upto(self, bound: int) -> int:
        """How many clocks, up to `bound`: their ids, in due order, are kept for the page.

        The count reads every way cut at the bound (and probes each clock's grants) whatever
        it returns; returning the ids in due order, not only their number, costs a sort of
        those few hundred. The page is then its slice of them, read by id with what a row
        shows, instead of a second union of the ways built and probed again (the ORM's
        building of the ways' filters was most of a work tray's time). A count that must go
        further (a page far down the list, or the last page asked for by a junk number) only
        counts: its ids could be every clock a role answers for."""
        if bound > self.KEEP_IDS_UP_TO:
            self._counted = None
            return _answered(self.visible, self.ways, bound).order_by()[:bound].count()
        ids = list(
            _answered(self.visible, self.ways, bound)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:bound]
        )
        self._counted = (bound, ids)
        return len(ids)

    def count(self) -> int:
        return self._rows(None).count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Deadline]:
        key = bounded(key, "ClocksPaged")
        if self._counted is not None and key.stop <= self._counted[0]:
            ids = self._counted[1][key]
            if not ids:
                return []
            # Still open when the page is read (a clock stopped since the count is left out,
            # as it would have been from the union); its contact's grants were probed by the
            # count, in this request.
            rows = Deadline.objects.open().filter(pk__in=ids)
            return list(_listed(_with_state(rows, self.now)).order_by("due_at", "pk"))
        return list(self._rows(key.stop)[key])
