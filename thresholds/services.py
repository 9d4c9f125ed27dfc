"""Starting, meeting and enforcing deadlines.

Clocks are started and met only by the services whose work causes them; the beat sweep
(deadline_sweep) is the only thing that marks them due soon or breached.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.audit import save_audited
from accounts.models import Team, User
from accounts.roles import Role
from accounts.services import Notice, notify_many
from core.enums import Rag
from core.templatetags.govuk import govuk_datetime

from . import clock
from .models import OPEN_ONCE, ClockKind, ClosureDay, CouncilProfile, Deadline, Timescale

logger = logging.getLogger(__name__)

# A partner check runs on the red or amber clock of the enquiry it serves.
_TIMESCALE_FOR = {
    ClockKind.PARTNER_CHECK: {Rag.RED: ClockKind.RED_CHECKS, "": ClockKind.AMBER_CHECKS}
}
# The share of a clock's length left when it counts as due soon.
DUE_SOON_SHARE = 0.25
MANAGER_ROLES = (Role.TEAM_MANAGER, Role.MASH_MANAGER, Role.EARLY_HELP_DUTY_MANAGER)


def timescale_for(profile: CouncilProfile, kind: ClockKind | str, rag: str = "") -> Timescale:
    """The profile's timescale for a clock (a partner check borrows the red or amber clock)."""
    mapping = _TIMESCALE_FOR.get(kind)
    if mapping is not None:
        kind = mapping.get(rag, mapping[""])
    return profile.timescales.get(kind=kind)


def compute_due(
    profile: CouncilProfile, kind: ClockKind | str, started_at: dt.datetime, rag: str = ""
) -> dt.datetime:
    """When a clock of this kind started now would be due under the profile."""
    ts = timescale_for(profile, kind, rag)
    closures = frozenset(ClosureDay.objects.values_list("date", flat=True))
    return clock.due_at(started_at, ts.amount, ts.unit, closures)


@transaction.atomic
def deadline_start(
    *,
    profile: CouncilProfile,
    kind: ClockKind | str,
    by: User | None,
    contact: Any = None,
    subject: Any = None,
    team: Team | None = None,
    responsible: User | None = None,
    responsible_role: Role | str = "",
    rag: str = "",
    started_at: dt.datetime | None = None,
    description: str = "",
) -> Deadline:
    """Start a clock (idempotent: an open clock of the same kind for the same record is returned).

    Safe under concurrency: the database allows one running clock per kind and record
    (constraint deadline_open_once); of two identical starts at once, the loser's insert
    fails inside its savepoint and it returns the winner's clock.
    """
    started_at = started_at or timezone.now()
    existing = _running(kind=kind, contact=contact, subject=subject).first()
    if existing is not None:
        return existing
    due = compute_due(profile, kind, started_at, rag)
    deadline = Deadline(
        kind=kind,
        contact=contact,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        team=team,
        responsible=responsible,
        responsible_role=str(responsible_role),
        rag=rag,
        started_at=started_at,
        due_at=due,
        warn_at=due - (due - started_at) * DUE_SOON_SHARE,
        description=description or ClockKind(kind).label,
    )
    try:
        with transaction.atomic():
            save_audited(deadline, user=by, reason=f"Clock started: {ClockKind(kind).label}")
    except IntegrityError as exc:
        if _constraint_of(exc) != OPEN_ONCE:
            raise
        # Another transaction started the same clock and committed first: use its row.
        return _running(kind=kind, contact=contact, subject=subject).get()
    return deadline


def _constraint_of(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _running(*, kind: ClockKind | str, contact: Any, subject: Any):
    """The running clock for exactly this record: the key of constraint deadline_open_once."""
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    return Deadline.objects.open().filter(
        kind=kind,
        contact=contact.pk if contact is not None else None,
        subject_type=subject_type,
        subject_id=subject.pk if subject is not None else None,
    )


def _open(*, kind: ClockKind | str | None, contact: Any = None, subject: Any = None):
    qs = Deadline.objects.open()
    if kind is not None:
        qs = qs.filter(kind=kind)
    if contact is not None:
        qs = qs.filter(contact=contact)
    if subject is not None:
        qs = qs.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
    else:
        qs = qs.filter(subject_id__isnull=True)
    return qs


@transaction.atomic
def deadline_meet(
    *,
    kind: ClockKind | str,
    by: User | None,
    contact: Any = None,
    subject: Any = None,
    at: dt.datetime | None = None,
    reason: str = "",
) -> list[Deadline]:
    """Stop the open clocks of this kind for the record: the work they timed is done."""
    at = at or timezone.now()
    met = []
    for deadline in _open(kind=kind, contact=contact, subject=subject).select_for_update():
        deadline.met_at = at
        late = " (late)" if at > deadline.due_at else ""
        save_audited(
            deadline, user=by, reason=reason or f"Clock met{late}: {deadline.get_kind_display()}"
        )
        met.append(deadline)
    return met


@transaction.atomic
def deadline_close(
    *,
    by: User | None,
    reason: str,
    kind: ClockKind | str | None = None,
    contact: Any = None,
    subject: Any = None,
    keep: Iterable[ClockKind | str] = (),
    at: dt.datetime | None = None,
) -> list[Deadline]:
    """Close running clocks whose work is no longer needed: they stop and never breach.

    Closes the clocks of `kind` (every kind if None, except those in `keep`) on the
    contact, or on the subject if one is given. Not the same as met: the work was not done.
    """
    if contact is None and subject is None:
        raise ValueError("Name the contact or the subject whose clocks are closed.")
    if not reason.strip():
        raise ValueError("Give the reason the clocks are no longer needed.")
    at = at or timezone.now()
    qs = Deadline.objects.open()
    if kind is not None:
        qs = qs.filter(kind=kind)
    if contact is not None:
        qs = qs.filter(contact=contact)
    if subject is not None:
        qs = qs.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
    kept = [str(k) for k in keep]
    if kept:
        qs = qs.exclude(kind__in=kept)
    closed = []
    # In primary-key order, so two closes over overlapping clocks cannot deadlock.
    for deadline in qs.select_for_update().order_by("pk"):
        deadline.closed_at, deadline.closed_reason = at, reason[:300]
        save_audited(deadline, user=by, reason=f"Clock closed, no longer needed: {reason}")
        closed.append(deadline)
    return closed


# Clocks that keep running when a contact closes: the referrer is still owed the outcome,
# and a phone child protection referral is still owed its written follow-up.
KEEP_AFTER_CLOSURE = (
    ClockKind.REFERRER_TOLD,
    ClockKind.CP_WRITTEN_FOLLOW_UP,
    # A disagreement with the MASH decision is owed its resolution whatever the contact does.
    ClockKind.DISAGREEMENT,
)


def deadlines_close_for_contact(
    *,
    contact: Any,
    by: User | None,
    reason: str,
    keep: Iterable[ClockKind | str] = KEEP_AFTER_CLOSURE,
    at: dt.datetime | None = None,
) -> list[Deadline]:
    """A contact withdrawn or closed: close its running clocks (but those in `keep`)."""
    return deadline_close(contact=contact, by=by, reason=reason, keep=keep, at=at)


def managers_for(deadline: Deadline) -> list[User]:
    """Who answers for a clock: its team's managers, else holders of its role, else every team manager."""
    return managers_for_many([deadline])[deadline.pk]


def managers_for_many(deadlines: Iterable[Deadline]) -> dict[Any, list[User]]:
    """managers_for for many clocks at once, in one query: {deadline pk: managers}."""
    deadlines = list(deadlines)
    manager_roles = {r.value for r in MANAGER_ROLES}
    teams = {d.team_id for d in deadlines if d.team_id}
    roles = {d.responsible_role for d in deadlines if d.responsible_role in manager_roles}
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
    answer: dict[Any, list[User]] = {}
    for d in deadlines:
        people = by_team.get(d.team_id) if d.team_id else None
        if not people and d.responsible_role in manager_roles:
            people = by_role.get(d.responsible_role)
        answer[d.pk] = list((people or by_role.get(Role.TEAM_MANAGER.value, {})).values())
    return answer


def _subject_line(deadline: Deadline, prefix: str) -> str:
    # Quotes the contact reference and case numbers only: never a child's name.
    ref = f" for contact {deadline.contact.reference}" if deadline.contact_id else ""
    return f"{prefix}: {deadline.get_kind_display()}{ref}"


@dataclass(frozen=True)
class SweepResult:
    due_soon: int
    breached: int
    skipped: int = 0


BATCH = 500


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Mark open clocks due soon or breached, once each, and tell who answers for them.

    Rows are claimed with SKIP LOCKED so two sweeps never act on the same clock; a clock
    marked once is never marked again, so running the sweep twice changes nothing, and a
    sweep after downtime catches up on everything that fell due meanwhile.

    A batch costs the same few queries however many rows it holds: managers are read for
    the whole batch, and rows and notices are written in bulk. A row that cannot be
    processed is logged and left for the next run; the rest of its batch goes ahead.
    """
    now = now or timezone.now()
    skipped: set[Any] = set()
    breached = _sweep(now, skipped, _BREACH)
    due_soon = _sweep(now, skipped, _DUE_SOON)
    if breached or due_soon or skipped:
        logger.info(
            "Deadline sweep: %s breached, %s due soon, %s skipped",
            breached,
            due_soon,
            len(skipped),
        )
    return SweepResult(due_soon=due_soon, breached=breached, skipped=len(skipped))


@dataclass(frozen=True)
class _Phase:
    name: str
    claim: Callable[[dt.datetime], Q]
    order: str
    fields: tuple[str, ...]
    mark: Callable[[Deadline, dt.datetime], str]
    notices: Callable[[Deadline, dict[Any, list[User]]], list[Notice]]
    needs_managers: bool


def _when(at: dt.datetime) -> str:
    return f"{govuk_datetime(timezone.localtime(at))}"


def _link(deadline: Deadline) -> str:
    return deadline.contact.get_absolute_url() if deadline.contact_id else ""


def _mark_breached(deadline: Deadline, now: dt.datetime) -> str:
    deadline.breached_at = deadline.breach_notified_at = now
    return f"Deadline breached: was due {govuk_datetime(deadline.due_at)}"


def _breach_notices(deadline: Deadline, managers: dict[Any, list[User]]) -> list[Notice]:
    title, url = _subject_line(deadline, "Overdue"), _link(deadline)
    body = f"This clock was due {_when(deadline.due_at)}."
    return [Notice(user=m, title=title, body=body, url=url) for m in managers[deadline.pk]]


def _mark_due_soon(deadline: Deadline, now: dt.datetime) -> str:
    deadline.due_soon_at = now
    return "Deadline due soon"


def _due_soon_notices(deadline: Deadline, managers: dict[Any, list[User]]) -> list[Notice]:
    if not deadline.responsible_id:
        return []
    return [
        Notice(
            user=deadline.responsible,
            title=_subject_line(deadline, "Due soon"),
            body=f"Due {_when(deadline.due_at)}.",
            url=_link(deadline),
            email=False,
        )
    ]


_BREACH = _Phase(
    name="breach",
    claim=lambda now: Q(breached_at__isnull=True, due_at__lte=now),
    order="due_at",
    fields=("breached_at", "breach_notified_at"),
    mark=_mark_breached,
    notices=_breach_notices,
    needs_managers=True,
)
_DUE_SOON = _Phase(
    name="due soon",
    # An overdue clock is the breach phase's, even when that phase had to skip it.
    claim=lambda now: Q(
        due_soon_at__isnull=True, breached_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ),
    order="warn_at",
    fields=("due_soon_at",),
    mark=_mark_due_soon,
    notices=_due_soon_notices,
    needs_managers=False,
)


def _sweep(now: dt.datetime, skipped: set[Any], phase: _Phase) -> int:
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .open()
                .filter(phase.claim(now))
                # A row that failed earlier in this run is not tried again until the next.
                .exclude(pk__in=skipped)
                .select_related("contact", "responsible")
                .order_by(phase.order, "pk")[:BATCH]
            )
            managers = managers_for_many(rows) if phase.needs_managers and rows else {}
            plans = []
            for deadline in rows:
                try:
                    reason = phase.mark(deadline, now)
                    plans.append((deadline, reason, phase.notices(deadline, managers)))
                except Exception:
                    logger.exception(
                        "Deadline sweep (%s): clock %s skipped", phase.name, deadline.pk
                    )
                    skipped.add(deadline.pk)
            done += _write(plans, phase=phase, skipped=skipped)
        if len(rows) < BATCH:
            return done


def _write(plans: list[tuple[Deadline, str, list[Notice]]], *, phase: _Phase, skipped: set) -> int:
    """Save the marked rows and their notices: in bulk, else one savepoint per row."""
    if not plans:
        return 0
    try:
        with transaction.atomic():
            for deadline, reason, _ in plans:
                deadline._history_user, deadline._change_reason = None, reason
            bulk_update_with_history([p[0] for p in plans], Deadline, list(phase.fields))
            notify_many(notices=[n for p in plans for n in p[2]])
        return len(plans)
    except Exception:
        logger.warning(
            "Deadline sweep (%s): the batch write failed; retrying row by row",
            phase.name,
            exc_info=True,
        )
    written = 0
    for deadline, reason, notices in plans:
        try:
            with transaction.atomic():
                save_audited(deadline, user=None, reason=reason, update_fields=list(phase.fields))
                notify_many(notices=notices)
        except Exception:
            logger.exception("Deadline sweep (%s): clock %s skipped", phase.name, deadline.pk)
            skipped.add(deadline.pk)
        else:
            written += 1
    return written
