"""Minuting the daily discussion: the agenda, who attended, and the decision on each contact."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import Team, User
from core.enums import BorderlineReason, RatingOutcome
from core.templatetags.govuk import govuk_date
from core.text import lower_in_sentence
from thresholds import clock
from thresholds.models import CouncilProfile
from thresholds.selectors import closure_dates

from .models import DailyDiscussion, DiscussionItem
from .selectors import early_help_consent_for


def next_discussion_date(day: dt.date) -> dt.date:
    """The discussion a case joins: today's if today is a working day, else the next one."""
    closures = closure_dates()
    return day if clock.is_working_day(day, closures) else clock.next_working_day(day, closures)


def discussion_for(*, day: dt.date, by: User | None) -> DailyDiscussion:
    """The day's discussion, created the first time it is needed."""
    discussion = DailyDiscussion.objects.filter(date=day).first()
    if discussion is None:
        discussion = DailyDiscussion(date=day)
        save_audited(discussion, user=by, reason=f"Daily discussion for {govuk_date(day)} opened")
    return discussion


@transaction.atomic
def discussion_add(
    *, contact, reason: BorderlineReason | str, by: User, day: dt.date | None = None
) -> DiscussionItem:
    """Put a contact on the next daily discussion's agenda."""
    day = next_discussion_date(day or timezone.localdate())
    discussion = discussion_for(day=day, by=by)
    item = DiscussionItem(discussion=discussion, contact=contact, reason=reason)
    save_audited(
        item,
        user=by,
        reason=f"{contact.reference} added to the agenda: {BorderlineReason(reason).label}",
    )
    return item


def _require_chair(by: User) -> None:
    if not by.has_perm("mash.chair_dailydiscussion"):
        raise PermissionDenied


@transaction.atomic
def discussion_record_attendees(
    *, discussion: DailyDiscussion, by: User, attendees: list[User], other_attendees: str
) -> DailyDiscussion:
    """Minute who attended the day's discussion."""
    _require_chair(by)
    discussion.other_attendees = other_attendees
    save_audited(discussion, user=by, reason="Attendees recorded")
    discussion.attendees.set(attendees)
    return discussion


@transaction.atomic
def discussion_decide(
    *,
    item: DiscussionItem,
    by: User,
    profile: CouncilProfile,
    outcome: RatingOutcome | str,
    rationale: str,
    team: Team | None = None,
    assessment_type: str = "",
    primary_need: str | None = None,
) -> DiscussionItem:
    """Minute the decision on one contact and route it accordingly (a referral records the
    children's primary need: `rating.check_referral`)."""
    from referrals import rating
    from referrals.models import Contact, ContactStatus

    _require_chair(by)
    item = (
        DiscussionItem.objects.select_for_update()
        .select_related("contact", "discussion")
        .get(pk=item.pk)
    )
    if item.is_decided:
        raise ValidationError("A decision has already been minuted for this contact.")
    if not item.discussion.attendees.exists() and not item.discussion.other_attendees:
        raise ValidationError("Record who attended the discussion before minuting decisions.")
    # Lock the contact and re-read its state: a concurrent move must not be minuted over.
    contact = Contact.objects.select_for_update().get(pk=item.contact_id)
    if contact.status != ContactStatus.DAILY_DISCUSSION:
        raise ValidationError(
            f"This contact is no longer waiting for the daily discussion: it is "
            f"{lower_in_sentence(ContactStatus(contact.status).label)}."
        )
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the reason for the decision"})
    if outcome == RatingOutcome.DAILY_DISCUSSION or not profile.uses(outcome):
        raise ValidationError({"outcome": "Select an outcome this council uses"})
    if outcome == RatingOutcome.EARLY_HELP and not early_help_consent_for([contact])[contact.pk]:
        raise ValidationError({"outcome": rating.NO_CONSENT_FOR_EARLY_HELP})
    rating.check_referral(outcome, team, assessment_type, profile, primary_need=primary_need)
    now = timezone.now()
    item.decision, item.rationale, item.decided_by, item.decided_at = outcome, rationale, by, now
    save_audited(item, user=by, reason=f"Daily discussion decided: {RatingOutcome(outcome).label}")
    rating.route_contact(
        contact,
        RatingOutcome(outcome),
        by=by,
        profile=profile,
        rag=contact.rag,
        level=contact.level,
        team=team,
        assessment_type=assessment_type,
        rationale=rationale,
        reason=f"Daily discussion {govuk_date(item.discussion.date)}: "
        f"{RatingOutcome(outcome).label}. {rationale}",
        now=now,
        primary_need=primary_need or "",
    )
    return item
