# ruff: noqa: S608 -- the SQL built here interpolates only column and table names from the
# models' metadata and this module's own fragments; every value is a query parameter.
"""The beat sweep: marking open clocks due soon and breached, once each, set-based.

deadline_sweep (called as thresholds.services.deadline_sweep, by the beat task
thresholds.tasks.sweep_deadlines) is the only thing that marks clocks due soon or breached.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from accounts.roles import Role
from accounts.services import Notice, notify_many, notify_select
from core.db import server_bound_cursor
from core.templatetags.govuk import govuk_datetime

from . import tally
from .models import ClockKind, Deadline

logger = logging.getLogger(__name__)

MANAGER_ROLES = (Role.TEAM_MANAGER, Role.MASH_MANAGER, Role.EARLY_HELP_DUTY_MANAGER)


def managers_for(deadline: Deadline) -> list[User]:
    """Who answers for a clock: its team's managers, else holders of its role, else every team manager."""
    return managers_for_many([deadline])[deadline.pk]


def managers_for_many(deadlines: Iterable[Deadline]) -> dict[Any, list[User]]:
    """managers_for for many clocks at once, in one query: {deadline pk: managers}."""
    deadlines = list(deadlines)
    keys = {d.pk: _manager_key(d.team_id, d.responsible_role) for d in deadlines}
    found = _managers_by_key(set(keys.values()))
    return {pk: found[key] for pk, key in keys.items()}


# Who answers for a clock depends only on its team and (when it is a manager role) its role.
_ManagerKey = tuple[int | None, str]


def _manager_key(team_id: int | None, responsible_role: str) -> _ManagerKey:
    manager_roles = {r.value for r in MANAGER_ROLES}
    return (team_id or None, responsible_role if responsible_role in manager_roles else "")


def _managers_by_key(keys: set[_ManagerKey]) -> dict[_ManagerKey, list[User]]:
    """The managers for each (team, manager role) key, in one query, ordered by user id."""
    manager_roles = {r.value for r in MANAGER_ROLES}
    teams = {team for team, _ in keys if team}
    roles = {role for _, role in keys if role}
    roles.add(Role.TEAM_MANAGER.value)  # everyone's fallback
    wanted = Q(group__name__in=roles)
    if teams:
        wanted |= Q(user__team_id__in=teams, group__name__in=manager_roles)
    memberships = (
        User.groups.through.objects.filter(wanted, user__is_active=True)
        .select_related("user", "group")
        .order_by("user_id")
    )
    by_team: dict[int, dict[int, User]] = {}
    by_role: dict[str, dict[int, User]] = {}
    for row in memberships:
        user, role = row.user, row.group.name
        if role in manager_roles and user.team_id in teams:
            by_team.setdefault(user.team_id, {})[user.pk] = user
        if role in roles:
            by_role.setdefault(role, {})[user.pk] = user
    answer: dict[_ManagerKey, list[User]] = {}
    for team, role in keys:
        people = by_team.get(team) if team else None
        if not people and role:
            people = by_role.get(role)
        answer[(team, role)] = list((people or by_role.get(Role.TEAM_MANAGER.value, {})).values())
    return answer


@dataclass(frozen=True)
class SweepResult:
    due_soon: int
    breached: int
    skipped: int = 0
    # False when another sweep was running: this one returned at once and did nothing.
    ran: bool = True


# Clocks claimed and marked per transaction: large enough that a catch-up after downtime
# takes a few statements per 10,000 clocks, small enough to commit progress as it goes.
BATCH = 10_000
# The advisory lock that keeps sweeps from overlapping (any fixed number unique to it).
SWEEP_LOCK = 0x5357_4545_5031  # "SWEEP1"


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Mark open clocks due soon or breached, once each, and tell who answers for them.

    One sweep at a time: a PostgreSQL advisory lock is taken first, and a sweep that finds
    another running returns at once (the next run finds what it would have). Rows are also
    claimed with SKIP LOCKED; a clock marked once is never marked again, so running the
    sweep twice changes nothing, and a sweep after downtime catches up on everything that
    fell due meanwhile, a batch per transaction.

    Set-based: a batch costs a few statements however many rows it holds (claim; mark with
    the history rows; notices with their history; the managers' emails with theirs). A
    batch the database refuses is split in halves until the row it cannot write is found:
    that row is logged and left for the next run, and the rest of its batch goes ahead.
    """
    now = now or timezone.now()
    with _sweep_lock() as got:
        if not got:
            logger.info("Deadline sweep: another sweep is running; this one does nothing")
            return SweepResult(due_soon=0, breached=0, ran=False)
        skipped: set[Any] = set()
        breached = _sweep(now, skipped, _BREACH)
        due_soon = _sweep(now, skipped, _DUE_SOON)
        # The rows the clocks' changes added to the tally since the last run, folded.
        tally.compact()
    if breached or due_soon or skipped:
        logger.info(
            "Deadline sweep: %s breached, %s due soon, %s skipped",
            breached,
            due_soon,
            len(skipped),
        )
    return SweepResult(due_soon=due_soon, breached=breached, skipped=len(skipped))


def set_based() -> bool:
    """Whether the statements below can run: PostgreSQL's, not the embedded demo's SQLite."""
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def _sweep_lock() -> Iterator[bool]:
    """Hold the sweep's advisory lock if no one else does: yields whether it was taken.

    Outside a transaction (beat) it is a session lock, released at the end; inside one (a
    caller's atomic block) a transaction lock, released when that transaction ends, so an
    aborted transaction can never leave it held.
    """
    if not set_based():
        # The embedded demo's SQLite (`make run`): one writer at a time, and one beat.
        yield True
        return
    xact = connection.in_atomic_block
    with connection.cursor() as cursor:
        take = "pg_try_advisory_xact_lock" if xact else "pg_try_advisory_lock"
        cursor.execute(f"SELECT {take}(%s)", [SWEEP_LOCK])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got and not xact:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


@dataclass(frozen=True)
class _Phase:
    name: str
    claim: Callable[[dt.datetime], Q]
    order: str
    # SQL: the columns set to %(now)s, the history reason, and what notices it writes.
    marks: tuple[str, ...]
    reason: str
    # Writes the notices of the marked rows (given their ids and (team, role) pairs).
    notices: Callable[[list[Any], dict[str, Any], list[tuple]], None]


def _govuk_datetime_sql(column: str) -> str:
    """govuk_datetime in SQL ("24 November 2026 at 3:05pm", in %(tz)s)."""
    local = f"({column} AT TIME ZONE %(tz)s::text)"
    return (
        f"(to_char({local}, 'FMDD FMMonth YYYY') || ' at ' || CASE to_char({local}, 'HH24:MI') "
        "WHEN '12:00' THEN 'midday' WHEN '00:00' THEN 'midnight' "
        f"ELSE to_char({local}, 'FMHH12:MI') || lower(to_char({local}, 'AM')) END)"
    )


_LINK_SENTINEL = 987_654_321


def _text_params(now: dt.datetime) -> dict[str, Any]:
    """Parameters of the SQL that words the notices (tests/thresholds/test_sweep_wording.py)."""
    # The contact's own get_absolute_url, through the foreign key (thresholds imports no
    # domain app): its link is the same around any id.
    contact = Deadline._meta.get_field("contact").related_model
    link = contact(pk=_LINK_SENTINEL).get_absolute_url()
    before, _, after = link.partition(str(_LINK_SENTINEL))
    return {
        "now": now,
        "tz": timezone.get_current_timezone_name(),
        "kinds": [k.value for k in ClockKind],
        "labels": [k.label for k in ClockKind],
        "link_before": before,
        "link_after": after,
    }


def _clocks() -> str:
    """The clocks (d) with their contacts (c), if any, and their kinds' labels (k)."""
    contact = Deadline._meta.get_field("contact").related_model
    return (
        f"thresholds_deadline d LEFT JOIN {contact._meta.db_table} c ON c.id = d.contact_id "
        "LEFT JOIN unnest(%(kinds)s::text[], %(labels)s::text[]) k(kind, label) ON k.kind = d.kind"
    )


# A clock's notice title and link: "Overdue: <kind> for contact <reference>", never a name.
_TITLE = "%(prefix)s::text || ': ' || coalesce(k.label, d.kind) || coalesce(' for contact ' || c.reference, '')"
_LINK = "coalesce(%(link_before)s::text || d.contact_id || %(link_after)s::text, '')"


def _breach_notices(ids: list[Any], params: dict[str, Any], marked: list[tuple]) -> None:
    keys = {_manager_key(team, role) for team, role in marked}
    managers = [
        (team or 0, role, user.pk)
        for (team, role), users in _managers_by_key(keys).items()
        for user in users
    ]
    manager_roles = [r.value for r in MANAGER_ROLES]
    # Each clock's words once (MATERIALIZED: not once per manager), then one row per manager.
    select = (
        "WITH t AS MATERIALIZED (SELECT d.id, d.due_at, coalesce(d.team_id, 0) AS team_key, "
        "CASE WHEN d.responsible_role = ANY(%(manager_roles)s::text[]) THEN d.responsible_role "
        f"ELSE '' END AS role_key, {_TITLE} AS title, "
        f"'This clock was due ' || {_govuk_datetime_sql('d.due_at')} || '.' AS body, "
        f"{_LINK} AS url FROM {_clocks()} WHERE d.id = ANY(%(ids)s::bigint[])) "
        "SELECT m.user_id, t.title, t.body, t.url FROM t JOIN unnest(%(m_team)s::bigint[], "
        "%(m_role)s::text[], %(m_user)s::bigint[]) m(team_id, role, user_id) "
        "ON m.team_id = t.team_key AND m.role = t.role_key ORDER BY t.due_at, t.id, m.user_id"
    )
    notify_select(
        select=select,
        params={
            **params,
            "ids": ids,
            "prefix": "Overdue",
            "manager_roles": manager_roles,
            "m_team": [m[0] for m in managers],
            "m_role": [m[1] for m in managers],
            "m_user": [m[2] for m in managers],
        },
    )


def _due_soon_notices(ids: list[Any], params: dict[str, Any], marked: list[tuple]) -> None:
    select = (
        f"SELECT d.responsible_id AS user_id, {_TITLE} AS title, "
        f"'Due ' || {_govuk_datetime_sql('d.due_at')} || '.' AS body, {_LINK} AS url "
        f"FROM {_clocks()} WHERE d.id = ANY(%(ids)s::bigint[]) AND d.responsible_id IS NOT NULL "
        "ORDER BY d.warn_at, d.id"
    )
    notify_select(select=select, params={**params, "ids": ids, "prefix": "Due soon"}, email=False)


_BREACH = _Phase(
    name="breach",
    claim=lambda now: Q(breached_at__isnull=True, due_at__lte=now),
    order="due_at",
    marks=("breached_at", "breach_notified_at"),
    reason=f"'Deadline breached: was due ' || {_govuk_datetime_sql('d.due_at')}",
    notices=_breach_notices,
)
_DUE_SOON = _Phase(
    name="due soon",
    # An overdue clock is the breach phase's, even when that phase had to skip it.
    claim=lambda now: Q(
        due_soon_at__isnull=True, breached_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ),
    order="warn_at",
    marks=("due_soon_at",),
    reason="'Deadline due soon'",
    notices=_due_soon_notices,
)


def _sweep(now: dt.datetime, skipped: set[Any], phase: _Phase) -> int:
    done = 0
    params = _text_params(now)
    while True:
        with transaction.atomic():
            ids = list(
                Deadline.objects.select_for_update(skip_locked=True)
                .open()
                .filter(phase.claim(now))
                # A row that failed earlier in this run is not tried again until the next.
                .exclude(pk__in=skipped)
                .order_by(phase.order, "pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            done += _write(ids, phase=phase, params=params, skipped=skipped)
        if len(ids) < BATCH:
            return done


def _write(ids: list[Any], *, phase: _Phase, params: dict[str, Any], skipped: set) -> int:
    """Mark the claimed rows, with history and notices; a batch that fails is halved."""
    if not ids:
        return 0
    try:
        with transaction.atomic():
            return _mark(ids, phase=phase, params=params)
    except Exception:
        if len(ids) == 1:
            logger.exception("Deadline sweep (%s): clock %s skipped", phase.name, ids[0])
            skipped.add(ids[0])
            return 0
        logger.warning(
            "Deadline sweep (%s): a batch of %s failed; splitting it",
            phase.name,
            len(ids),
            exc_info=True,
        )
    half = len(ids) // 2
    return sum(
        _write(part, phase=phase, params=params, skipped=skipped)
        for part in (ids[:half], ids[half:])
    )


def _mark(ids: list[Any], *, phase: _Phase, params: dict[str, Any]) -> int:
    """One statement marking the rows and writing their history rows, then the notices."""
    if not set_based():
        return _mark_portable(ids, phase=phase, now=params["now"])
    history = Deadline.history.model
    q = connection.ops.quote_name
    tracked = [
        f.column for f in history._meta.concrete_fields if not f.column.startswith("history_")
    ]
    marks = ", ".join(f"{q(column)} = %(now)s" for column in phase.marks)
    with server_bound_cursor() as cursor:
        cursor.execute(
            f"WITH d AS (UPDATE thresholds_deadline SET {marks} WHERE id = ANY(%(ids)s::bigint[]) "
            f"RETURNING *) INSERT INTO {q(history._meta.db_table)} "
            f"({', '.join(map(q, tracked))}, history_date, history_change_reason, "
            "history_type, history_user_id) "
            f"SELECT {', '.join('d.' + q(c) for c in tracked)}, %(at)s, {phase.reason}, '~', NULL "
            "FROM d RETURNING team_id, responsible_role",
            {**params, "ids": ids, "at": timezone.now()},
        )
        marked = cursor.fetchall()
    phase.notices(ids, params, marked)
    return len(marked)


def _mark_portable(ids: list[Any], *, phase: _Phase, now: dt.datetime) -> int:
    """The same marks, history and notices (the same words) through the ORM, for the embedded
    demo's SQLite (`make run`), which has none of the PostgreSQL the statements above use. A
    demo has a few dozen clocks: a row at a time is quick enough there."""
    rows = list(
        Deadline.objects.filter(pk__in=ids)
        .select_related("contact", "responsible")
        .order_by(phase.order, "pk")
    )
    breach = phase is _BREACH
    managers = managers_for_many(rows) if breach else {}
    notices = []
    for deadline in rows:
        for field in phase.marks:
            setattr(deadline, field, now)
        due = govuk_datetime(timezone.localtime(deadline.due_at))
        deadline._history_user = None
        deadline._change_reason = (
            f"Deadline breached: was due {due}" if breach else ("Deadline due soon")
        )
        ref = f" for contact {deadline.contact.reference}" if deadline.contact_id else ""
        title = f"{'Overdue' if breach else 'Due soon'}: {deadline.get_kind_display()}{ref}"
        url = deadline.contact.get_absolute_url() if deadline.contact_id else ""
        if breach:
            body = f"This clock was due {due}."
            notices += [
                Notice(user=m, title=title, body=body, url=url) for m in managers[deadline.pk]
            ]
        elif deadline.responsible_id:
            notices.append(
                Notice(
                    user=deadline.responsible, title=title, body=f"Due {due}.", url=url, email=False
                )
            )
    bulk_update_with_history(rows, Deadline, list(phase.marks))
    notify_many(notices=notices)
    return len(rows)
