"""Starting, meeting and enforcing deadlines.

Clocks are started and met only by the services whose work causes them; the beat sweep
(deadline_sweep) is the only thing that marks them due soon or breached.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import Team, User
from accounts.roles import Role
from accounts.services import notify
from core.enums import Rag

from . import clock
from .models import ClockKind, ClosureDay, CouncilProfile, Deadline, Timescale

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
    """Start a clock (idempotent: an open clock of the same kind for the same record is returned)."""
    started_at = started_at or timezone.now()
    existing = _open(kind=kind, contact=contact, subject=subject).first()
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
    save_audited(deadline, user=by, reason=f"Clock started: {ClockKind(kind).label}")
    return deadline


def _open(*, kind: ClockKind | str, contact: Any = None, subject: Any = None):
    qs = Deadline.objects.filter(kind=kind, met_at__isnull=True)
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
def deadlines_meet_all(
    *, contact: Any, by: User | None, kinds: list[ClockKind], reason: str
) -> None:
    """Stop several kinds of clock on a contact at once (e.g. when it is routed on)."""
    for kind in kinds:
        deadline_meet(kind=kind, by=by, contact=contact, reason=reason)


def managers_for(deadline: Deadline) -> list[User]:
    """Who answers for a clock: its team's managers, else holders of its role, else every team manager."""
    base = User.objects.filter(is_active=True)
    if deadline.team_id:
        people = list(
            base.filter(
                team_id=deadline.team_id, groups__name__in=[r.value for r in MANAGER_ROLES]
            ).distinct()
        )
        if people:
            return people
    if deadline.responsible_role:
        people = list(base.filter(groups__name=deadline.responsible_role).distinct())
        if people and deadline.responsible_role in {r.value for r in MANAGER_ROLES}:
            return people
    return list(base.filter(groups__name=Role.TEAM_MANAGER.value).distinct())


def _subject_line(deadline: Deadline, prefix: str) -> str:
    # Quotes the contact reference and case numbers only: never a child's name.
    ref = f" for contact {deadline.contact.reference}" if deadline.contact_id else ""
    return f"{prefix}: {deadline.get_kind_display()}{ref}"


@dataclass(frozen=True)
class SweepResult:
    due_soon: int
    breached: int


BATCH = 500


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Mark open clocks due soon or breached, once each, and tell who answers for them.

    Rows are claimed with SKIP LOCKED so two sweeps never act on the same clock; a clock
    marked once is never marked again, so running the sweep twice changes nothing, and a
    sweep after downtime catches up on everything that fell due meanwhile.
    """
    now = now or timezone.now()
    breached = due_soon = 0
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now)
                .select_related("contact")
                .order_by("due_at")[:BATCH]
            )
            for deadline in rows:
                deadline.breached_at = now
                deadline.breach_notified_at = now
                save_audited(
                    deadline,
                    user=None,
                    reason=f"Deadline breached: was due {deadline.due_at.isoformat()}",
                )
                url = deadline.contact.get_absolute_url() if deadline.contact_id else ""
                for manager in managers_for(deadline):
                    notify(
                        user=manager,
                        title=_subject_line(deadline, "Overdue"),
                        body=f"This clock was due {timezone.localtime(deadline.due_at):%d %B %Y at %H:%M}.",
                        url=url,
                    )
            breached += len(rows)
        if len(rows) < BATCH:
            break
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(met_at__isnull=True, due_soon_at__isnull=True, warn_at__lte=now)
                .filter(Q(breached_at__isnull=True))
                .select_related("contact", "responsible")
                .order_by("warn_at")[:BATCH]
            )
            for deadline in rows:
                deadline.due_soon_at = now
                save_audited(deadline, user=None, reason="Deadline due soon")
                if deadline.responsible_id:
                    notify(
                        user=deadline.responsible,
                        title=_subject_line(deadline, "Due soon"),
                        body=f"Due {timezone.localtime(deadline.due_at):%d %B %Y at %H:%M}.",
                        url=deadline.contact.get_absolute_url() if deadline.contact_id else "",
                        email=False,
                    )
            due_soon += len(rows)
        if len(rows) < BATCH:
            break
    if breached or due_soon:
        logger.info("Deadline sweep: %s breached, %s due soon", breached, due_soon)
    return SweepResult(due_soon=due_soon, breached=breached)
