"""Telling the referrer the outcome: an email through the outbox, or a letter to post.

Each outcome of a contact starts a 'referrer told' clock (referrals/rating.py
`route_contact`, which reuses a clock still open); a notice answers one clock for one
outcome, so the referrer hears of each outcome once. A professional hears the outcome and
the allocated team; a member of the public hears only that the contact was received and
acted on: their template is given nothing more.

When an outcome is decided, `referrer_notice_after_outcome` emails a referrer who gave an
email address, after commit. Letters are prepared and posted by a person, who records the
posting; a phone call is recorded with `contact_record_referrer_told`.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.messages import render_message
from accounts.models import MessagePurpose, User
from accounts.services import email_queue
from thresholds.models import ClockKind, CouncilProfile, Deadline

from .. import selectors
from ..access import may_contact
from ..models import (
    Contact,
    ContactRole,
    ContactStatus,
    NoticeAudience,
    NoticeChannel,
    ReferrerNotice,
)
from ..services import contact_meet_referrer_told

logger = logging.getLogger(__name__)

# The outcome in words for a professional referrer.
OUTCOME_WORDS = {
    ContactStatus.INFORMATION_ONLY: "We gave the information or advice asked for and closed the contact.",
    ContactStatus.PASSED_TO_ALLOCATED_WORKER: "Passed to the worker already working with the child.",
    ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM: "Passed to the team that last worked with the child.",
    ContactStatus.WITH_MASH: "Passed to the Multi-Agency Safeguarding Hub (MASH), which gathers "
    "information from partner agencies and decides what happens next.",
    ContactStatus.REFERRED_TO_SOCIAL_WORK: "Referred to a children's social work team for assessment.",
    ContactStatus.WITH_EARLY_HELP: "Passed to early help, who will agree support with the family.",
    ContactStatus.INFORMATION_AND_ADVICE: "We are giving the family information and advice; "
    "there is no referral to a social work team.",
    ContactStatus.CLOSED_NFA: "No further action by children's social care.",
}


@dataclass(frozen=True)
class NoticeDraft:
    """The notice as it would be sent now: shown on the preview page, then sent as shown."""

    deadline: Deadline
    outcome: str
    audience: NoticeAudience
    channel: NoticeChannel
    sent_to: str
    subject: str
    body: str

    @property
    def key(self) -> str:
        """Names what was previewed, so a newer outcome is shown before anything is sent."""
        return f"{self.deadline.pk}-{self.outcome}"


def is_professional(contact: Contact) -> bool:
    """Whether the referrer hears the outcome; when in doubt, they are treated as the public."""
    return contact.referrer_is_professional is True and not contact.is_from_public


def _children(contact: Contact):
    return [
        link.person
        for link in contact.contact_people.filter(role=ContactRole.CHILD).select_related("person")
    ]


def notice_context(
    contact: Contact, audience: NoticeAudience, deadline: Deadline | None = None
) -> dict[str, str]:
    """The placeholders for the referrer's template; the public's gets no outcome or team.

    A later decision (early help's, say) starts its referrer-told clock with the outcome in
    words as the clock's description; that is the outcome a professional is told."""
    received = timezone.localtime(contact.received_at)
    context = {
        "referrer_name": contact.referrer_name or "Sir or Madam",
        "reference": contact.reference,
        "received_date": f"{received.day} {received:%B %Y}",
        "service_name": settings.SERVICE_NAME,
        "council": CouncilProfile.objects.filter(code=settings.COUNCIL_PROFILE)
        .values_list("name", flat=True)
        .first()
        or "",
    }
    if audience == NoticeAudience.PUBLIC:
        return context
    referral = (
        contact.referrals.filter(withdrawn_at__isnull=True)
        .select_related("team")
        .order_by("-created_at")
        .first()
    )
    team = contact.assigned_team or (referral.team if referral else None)
    referred = contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK and referral
    return {
        **context,
        "case_numbers": ", ".join(p.case_number for p in _children(contact)),
        "outcome": _outcome_words(contact, deadline),
        "team": team.name if team else "",
        "assessment": referral.get_assessment_type_display() if referred else "",
    }


def _outcome_words(contact: Contact, deadline: Deadline | None) -> str:
    if deadline is not None and deadline.detail:
        return deadline.detail
    return OUTCOME_WORDS.get(contact.status, contact.get_status_display())


def _waiting_clock(contact: Contact) -> Deadline | None:
    return (
        Deadline.objects.open()
        .filter(contact=contact, kind=ClockKind.REFERRER_TOLD)
        .order_by("started_at")
        .first()
    )


def referrer_notice_draft(contact: Contact) -> NoticeDraft:
    """The notice the referrer is owed now; ValidationError says why there is none to send."""
    deadline = _waiting_clock(contact)
    if deadline is None:
        if contact.referrer_told_at:
            raise ValidationError("The referrer has already been told the latest outcome.")
        raise ValidationError("There is no outcome to tell the referrer yet.")
    # A letter about an earlier outcome may still be unposted when the next is decided on the
    # same open clock: that outcome is owed its own notice.
    sent = ReferrerNotice.objects.filter(deadline=deadline, outcome=contact.status).first()
    if sent is not None:
        if sent.is_letter_to_post:
            raise ValidationError("A letter about this outcome is waiting to be posted.")
        raise ValidationError("The referrer has already been sent this outcome.")
    if contact.referrer_email:
        channel, sent_to = NoticeChannel.EMAIL, contact.referrer_email
    elif contact.referrer_address:
        channel, sent_to = NoticeChannel.LETTER, contact.referrer_address
    else:
        raise ValidationError(
            "There is no email or postal address for the referrer: tell them by phone and "
            "record that they were told."
        )
    audience = NoticeAudience.PROFESSIONAL if is_professional(contact) else NoticeAudience.PUBLIC
    purpose = (
        MessagePurpose.REFERRER_PROFESSIONAL
        if audience == NoticeAudience.PROFESSIONAL
        else MessagePurpose.REFERRER_PUBLIC
    )
    message = render_message(purpose, notice_context(contact, audience, deadline))
    return NoticeDraft(
        deadline, contact.status, audience, channel, sent_to, message.subject, message.body
    )


def _send(contact: Contact, *, by: User, reason: str) -> ReferrerNotice:
    # Lock the contact: of two people sending at once, the second finds the notice made.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    draft = referrer_notice_draft(contact)
    now = timezone.now()
    notice = ReferrerNotice(
        contact=contact,
        deadline=draft.deadline,
        outcome=contact.status,
        audience=draft.audience,
        channel=draft.channel,
        sent_to=draft.sent_to,
        subject=draft.subject,
        body=draft.body,
        created_by=by,
        created_at=now,
    )
    if draft.channel == NoticeChannel.EMAIL:
        try:
            notice.email = email_queue(
                to=draft.sent_to,
                subject=draft.subject,
                body=draft.body,
                purpose="referrer_notice",
                about=contact,
                forbidden_names=selectors.names_on(contact),
            )
        except ValueError as exc:
            raise ValidationError(
                f"{exc} Change the referrer message's subject in the administration."
            ) from exc
    save_audited(notice, user=by, reason=reason)
    if draft.channel == NoticeChannel.EMAIL:
        # The outbox keeps the email until it is sent, so the referrer counts as told now.
        contact_meet_referrer_told(
            contact=contact, by=by, at=now, reason=f"Referrer emailed the outcome. {reason}"
        )
    return notice


@transaction.atomic
def contact_notify_referrer(*, contact: Contact, by: User) -> ReferrerNotice:
    """Send the referrer the outcome: queue the email, or prepare the letter to post."""
    if not may_contact(by, "change_contact", contact):
        raise PermissionDenied
    return _send(contact, by=by, reason=f"Notice to the referrer prepared by {by}")


@transaction.atomic
def referrer_notice_mark_posted(*, notice: ReferrerNotice, by: User) -> ReferrerNotice:
    """Record that a letter to the referrer was posted (meets its clock if still open)."""
    if not may_contact(by, "change_contact", notice.contact):
        raise PermissionDenied
    notice = ReferrerNotice.objects.select_for_update().get(pk=notice.pk)
    if not notice.is_letter_to_post:
        raise ValidationError("There is no letter to the referrer waiting to be posted.")
    notice.posted_at, notice.posted_by = timezone.now(), by
    save_audited(notice, user=by, reason="Letter to the referrer posted")
    contact = Contact.objects.select_for_update().get(pk=notice.contact_id)
    # A letter about an outcome since superseded does not tell the referrer the current one.
    if notice.deadline.met_at is None and notice.outcome == contact.status:
        contact_meet_referrer_told(
            contact=contact, by=by, at=notice.posted_at, reason="Referrer sent a letter"
        )
    return notice


def referrer_notice_after_outcome(*, contact: Contact, by: User) -> None:
    """Once the outcome commits, email it to a referrer who gave an email address.

    Called by `route_contact`, the one place every outcome passes through. A referrer with
    only a postal address or a phone number is left to a person: the clock stays open.
    """
    transaction.on_commit(partial(_send_automatically, contact.pk, by.pk), robust=True)


def _send_automatically(contact_pk: int, by_pk: int) -> None:
    contact = Contact.objects.get(pk=contact_pk)
    if not contact.referrer_email:
        return
    try:
        with transaction.atomic():
            _send(
                contact,
                by=User.objects.get(pk=by_pk),
                reason="Sent automatically when the outcome was decided",
            )
    except ValidationError as exc:
        logger.warning("No notice sent to the referrer of %s: %s", contact.reference, exc.messages)
