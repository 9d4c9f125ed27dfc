"""Every change to a warning on a person: propose, agree, review, end, and the review sweep."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from accounts.services import Notice, notify_many

from ..models import Person
from . import access
from .models import ALWAYS_TOLD_TO_PARTNERS, PersonWarning, WarningKind, WarningStatus

logger = logging.getLogger(__name__)

# A review date further ahead than this is refused: warnings are looked at again within a year.
MAX_REVIEW_DAYS = 366


def _check_review_on(review_on: dt.date, today: dt.date) -> None:
    if review_on <= today:
        raise ValidationError({"review_on": "The review date must be in the future"})
    if review_on > today + dt.timedelta(days=MAX_REVIEW_DAYS):
        raise ValidationError({"review_on": "The review date must be within a year"})


def _check_partner_summary(kind: str, partner_summary: str) -> None:
    if kind in ALWAYS_TOLD_TO_PARTNERS and not partner_summary.strip():
        raise ValidationError(
            {
                "partner_summary": "Enter what partner agencies visiting the family are told: "
                f"a {WarningKind(kind).label.lower()} warning always reaches them"
            }
        )


def _lock(warning: PersonWarning) -> PersonWarning:
    return PersonWarning.objects.select_for_update().select_related("person").get(pk=warning.pk)


@transaction.atomic
def warning_propose(
    *,
    person: Person,
    by: User,
    kind: str,
    reason: str,
    partner_summary: str = "",
    review_on: dt.date,
) -> PersonWarning:
    """Propose a warning on a person; it shows once a manager agrees it."""
    access.require(access.may_propose(by, person), by, "propose a warning")
    if kind not in WarningKind.values:
        raise ValidationError({"kind": "Choose the type of warning"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the warning"})
    _check_review_on(review_on, timezone.localdate())
    warning = PersonWarning(
        person=person,
        kind=kind,
        reason=reason.strip(),
        partner_summary=partner_summary.strip(),
        review_on=review_on,
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    save_audited(warning, user=by, reason=f"Warning proposed: {warning.get_kind_display()}")
    return warning


@transaction.atomic
def warning_agree(
    *, warning: PersonWarning, by: User, partner_summary: str, review_on: dt.date
) -> PersonWarning:
    """A manager agrees a proposed warning, with the words partners are told and a review date."""
    warning = _lock(warning)
    access.require(access.may_agree(by, warning), by, "agree this warning")
    if not warning.is_proposed:
        raise ValidationError(f"This warning is {warning.get_status_display().lower()} already.")
    _check_partner_summary(warning.kind, partner_summary)
    _check_review_on(review_on, timezone.localdate())
    warning.partner_summary = partner_summary.strip()
    warning.review_on = review_on
    warning.status = WarningStatus.AGREED
    warning.agreed_by, warning.agreed_at = by, timezone.now()
    save_audited(warning, user=by, reason="Warning agreed by a manager")
    return warning


@transaction.atomic
def warning_review(
    *, warning: PersonWarning, by: User, review_on: dt.date, note: str
) -> PersonWarning:
    """A manager reviews an agreed warning: it stands until the next review date."""
    warning = _lock(warning)
    access.require(access.may_manage(by, warning), by, "review this warning")
    if not warning.is_agreed:
        raise ValidationError("Only an agreed warning is reviewed.")
    if not note.strip():
        raise ValidationError({"note": "Enter why the warning still stands"})
    _check_review_on(review_on, timezone.localdate())
    warning.review_on = review_on
    warning.reviewed_by, warning.reviewed_at = by, timezone.now()
    warning.review_due_at = None
    save_audited(warning, user=by, reason=f"Warning reviewed: {note.strip()}")
    return warning


@transaction.atomic
def warning_end(*, warning: PersonWarning, by: User, reason: str) -> PersonWarning:
    """End a warning (an agreed one, or a proposal the manager does not agree), with a reason."""
    warning = _lock(warning)
    access.require(access.may_manage(by, warning), by, "end this warning")
    if warning.status == WarningStatus.ENDED:
        raise ValidationError("This warning has already ended.")
    if not reason.strip():
        raise ValidationError({"end_reason": "Enter why the warning ends"})
    was_agreed = warning.is_agreed
    warning.status = WarningStatus.ENDED
    warning.ended_by, warning.ended_at = by, timezone.now()
    warning.end_reason = reason.strip()
    save_audited(
        warning,
        user=by,
        reason=f"Warning ended: {reason.strip()}" if was_agreed else "Warning not agreed",
    )
    return warning


def warnings_review_sweep(*, now: dt.datetime | None = None) -> int:
    """Beat: mark agreed warnings past their review date as due for review, once each, and tell
    the manager who agreed them. Idempotent; catches up after downtime."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    marked = 0
    with transaction.atomic():
        due = list(
            PersonWarning.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=WarningStatus.AGREED, review_on__lt=today, review_due_at__isnull=True)
            .select_related("agreed_by", "person")
            .order_by("review_on")[:500]
        )
        notices = []
        for warning in due:
            warning.review_due_at = now
            save_audited(warning, user=None, reason="Review date passed: due for review")
            if warning.agreed_by and warning.agreed_by.is_active:
                # Quotes the warning and case number only, never the person's name.
                notices.append(
                    Notice(
                        user=warning.agreed_by,
                        title=f"Warning {warning.reference} on {warning.person.case_number} "
                        "is due for review",
                        url=warning.get_absolute_url(),
                    )
                )
            marked += 1
        if notices:
            notify_many(notices=notices)
    if marked:
        logger.info("Warnings review sweep: %s due for review", marked)
    return marked
