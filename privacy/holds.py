"""Placing and lifting legal holds (ADR 0014).

Written by the subject access part of issue 11 with the signatures the retention part
builds in privacy.services; the lead keeps one of the two at merge.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from referrals.models import Person

from .models import HoldReason, LegalHold

PLACE = "privacy.place_legal_hold"
# Opening a subject access request places its hold: the handler need not also place holds.
HANDLE_SAR = "privacy.handle_subject_access"


def _may_hold(by: User, reason: str) -> bool:
    return by.has_perm(PLACE) or (reason == HoldReason.SUBJECT_ACCESS and by.has_perm(HANDLE_SAR))


@transaction.atomic
def hold_place(*, person: Person, reason: str, details: str, by: User) -> LegalHold:
    """Stop anything held about `person` being destroyed until the hold is lifted."""
    if not _may_hold(by, reason):
        raise PermissionDenied(f"{by} may not place a legal hold")
    if reason not in HoldReason.values:
        raise ValidationError({"reason": "Select why the records are held"})
    if not (details or "").strip():
        raise ValidationError({"details": "Say what the hold is for"})
    Person.objects.select_for_update().only("pk").get(pk=person.pk)
    hold = LegalHold(
        person=person,
        reason=reason,
        details=details.strip(),
        placed_by=by,
        placed_at=timezone.now(),
    )
    save_audited(hold, user=by, reason=f"Legal hold placed: {hold.get_reason_display()}")
    return hold


@transaction.atomic
def hold_lift(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    """Lift a hold in force, recording who lifted it and why."""
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not _may_hold(by, locked.reason):
        raise PermissionDenied(f"{by} may not lift a legal hold")
    if not locked.in_force:
        raise ValidationError("This hold has already been lifted.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the hold is lifted"})
    locked.lifted_by = by
    locked.lifted_at = timezone.now()
    locked.lift_reason = reason.strip()
    save_audited(locked, user=by, reason="Legal hold lifted")
    hold.refresh_from_db()
    return locked
