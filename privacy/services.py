"""Data protection services: legal holds, the retention sweep, review decisions, destruction.

Every change here is a service: keyword-only, one transaction, the rows it changes locked,
the permission checked, history recorded with the user and the reason (ADR 0014).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.audit import save_audited
from accounts.models import User
from core.text import lower_in_sentence
from referrals.models import Contact, ContactRole, Person
from thresholds.selectors import current_profile

from . import destruction, retention
from .models import HoldReason, LegalHold, RetentionReview, ReviewStatus, Tombstone

PLACE_HOLD = "privacy.place_legal_hold"
APPROVE = "privacy.approve_destruction"
REVIEW = "privacy.review_retention"
# Serialises concurrent sweeps (two beats, a manual run): the second waits, then finds the
# first's reviews and adds none.
_SWEEP_LOCK = 0x5E7E4710


# Opening a subject access request places its hold: its handler need not also hold
# privacy.place_legal_hold for that one kind of hold.
HANDLE_SAR = "privacy.handle_subject_access"


def _require_hold(user: User, reason: str) -> None:
    if not (
        user.has_perm(PLACE_HOLD)
        or (reason == HoldReason.SUBJECT_ACCESS and user.has_perm(HANDLE_SAR))
    ):
        raise PermissionDenied(f"{user} may not place or lift a legal hold")


def _require(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"{user} may not {perm}")


def hold_place(*, person: Person, reason: str, details: str, by: User) -> LegalHold:
    """Place a legal hold on a person: nothing held about them may be destroyed until it is lifted."""
    _require_hold(by, reason)
    if reason not in HoldReason.values:
        raise ValidationError({"reason": "Choose why the hold is placed."})
    if not details.strip():
        raise ValidationError({"details": "Say what the hold is for."})
    with transaction.atomic():
        # The person's row is the lock destruction also takes: a hold placed while a record
        # is being destroyed waits for it, then finds the person destroyed and refuses.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.destroyed_at is not None:
            raise ValidationError("This person's records have been destroyed: nothing to hold.")
        hold = LegalHold(
            person=locked,
            reason=reason,
            details=details.strip(),
            placed_by=by,
            placed_at=timezone.now(),
        )
        save_audited(hold, user=by, reason=f"Legal hold placed: {hold.get_reason_display()}")
    return hold


def hold_lift(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    """Lift a legal hold, recording who lifted it and why; the hold itself is kept."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is lifted."})
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        _require_hold(by, locked.reason)
        if locked.lifted_at is not None:
            raise ValidationError("This hold has already been lifted.")
        locked.lifted_at = timezone.now()
        locked.lifted_by = by
        locked.lift_reason = reason.strip()
        save_audited(locked, user=by, reason=f"Legal hold lifted: {locked.lift_reason}")
    return locked


# The retention sweep and the review decisions ---------------------------------------------------


def retention_sweep(*, today: dt.date | None = None) -> int:
    """Put every record past its council's retention period on the review queue; returns how many.

    Idempotent: a record with an open review (or destroyed, or kept until a later date) is
    not added again. One query per rule finds the records, one insert adds them.
    """
    today = today or timezone.localdate()
    profile = current_profile()
    now = timezone.now()
    with transaction.atomic():
        # PostgreSQL's; the embedded demo's SQLite (`make run`) has one writer at a time.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])
                # JIT compiling the sweep's many subplans cost more than running them (5.6 s
                # of 14 s at 500,000 contacts: benchmarks/retention_benchmark.py).
                cursor.execute("SET LOCAL jit = off")
        new = []
        for rule in profile.retention_rules.all():
            for due in retention.past_retention(rule, today=today):
                new.append(
                    RetentionReview(
                        contact_id=due.contact_id,
                        rule=rule,
                        kind=rule.kind,
                        event_on=due.event_on,
                        due_since=due.due_since,
                        status=ReviewStatus.HELD if due.held else ReviewStatus.PENDING,
                        created_at=now,
                    )
                )
        if new:
            bulk_create_with_history(
                new,
                RetentionReview,
                batch_size=1000,
                default_change_reason="Past retention: on the review queue",
            )
    return len(new)


def _locked_open_review(review: RetentionReview) -> RetentionReview:
    locked = RetentionReview.objects.select_for_update().select_related("rule").get(pk=review.pk)
    if not locked.is_open:
        raise ValidationError(
            f"This review has already been decided ({lower_in_sentence(locked.get_status_display())})."
        )
    return locked


def review_keep(
    *, review: RetentionReview, reason: str, review_again_on: dt.date, by: User
) -> RetentionReview:
    """Keep a record past its retention period, with the reason and when to look at it again."""
    _require(by, REVIEW)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is kept."})
    if review_again_on <= timezone.localdate():
        raise ValidationError({"review_again_on": "The review-again date must be in the future."})
    with transaction.atomic():
        locked = _locked_open_review(review)
        locked.status = ReviewStatus.KEPT
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_reason = reason.strip()
        locked.review_again_on = review_again_on
        save_audited(locked, user=by, reason=f"Kept until {review_again_on}: {reason.strip()}")
    return locked


class RecordHeld(ValidationError):
    """Destruction refused: a legal hold is in force on somebody on the record."""


def record_destroy(*, review: RetentionReview, reason: str, by: User) -> Tombstone:
    """Destroy a record past retention on a manager's approval, leaving an anonymous tombstone.

    One transaction: the review, the contact and everybody on the record are locked (in that
    order, people by id), so a second approval waits and then finds the review decided, and a
    hold placed meanwhile waits and then finds the person destroyed. A hold in force on
    anybody on the record refuses the destruction.
    """
    _require(by, APPROVE)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for approving destruction."})
    with transaction.atomic():
        locked = _locked_open_review(review)
        contact = Contact.objects.select_for_update().get(pk=locked.contact_id)
        if contact.destroyed_at is not None:
            raise ValidationError("This record has already been destroyed.")
        people = destruction.people_on(contact)
        list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk"))
        holds = LegalHold.objects.filter(person__in=people, lifted_at__isnull=True)
        if holds.exists():
            raise RecordHeld(
                "A legal hold is in force on somebody on this record: it cannot be destroyed "
                "until the hold is lifted."
            )
        now = timezone.now()
        tombstone = Tombstone(
            contact=contact,
            kind=locked.kind,
            council=locked.rule.profile,
            received_on=timezone.localdate(contact.received_at),
            source=contact.source,
            referral_source=contact.referral_source,
            rag=contact.rag,
            outcome=contact.status,
            team_kind=contact.assigned_team.kind if contact.assigned_team_id else "",
            children=contact.contact_people.filter(role=ContactRole.CHILD).count(),
            destroyed_at=now,
            approved_by=by,
            review=locked,
        )
        keep = destruction.still_retained(people, contact)
        why = f"Destroyed at the end of retention (review {locked.pk}): {reason.strip()}"
        destruction.destroy_record(
            destruction.record_parts(contact), keep=keep, people=people, by=by, reason=why
        )
        tombstone.destroyed_at = contact.destroyed_at
        save_audited(tombstone, user=by, reason=why)
        locked.status = ReviewStatus.DESTROYED
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_reason = reason.strip()
        save_audited(locked, user=by, reason=f"Destruction approved: {reason.strip()}")
    return tombstone
