"""Starting, meeting and enforcing deadlines.

Clocks are started and met only by the services whose work causes them; the beat sweep
(deadline_sweep) is the only thing that marks them due soon or breached.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import Team, User
from accounts.roles import Role
from core.enums import Rag

from . import clock
from .models import OPEN_ONCE, ClockKind, ClosureDay, CouncilProfile, Deadline, Timescale

# The beat sweep lives in thresholds/sweep.py; it is called as this module's service.
from .sweep import (  # noqa: F401
    MANAGER_ROLES,
    SweepResult,
    deadline_sweep,
    managers_for,
    managers_for_many,
)

logger = logging.getLogger(__name__)

# A partner check runs on the red or amber clock of the enquiry it serves.
_TIMESCALE_FOR = {
    ClockKind.PARTNER_CHECK: {Rag.RED: ClockKind.RED_CHECKS, "": ClockKind.AMBER_CHECKS}
}
# The share of a clock's length left when it counts as due soon.
DUE_SOON_SHARE = 0.25


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
