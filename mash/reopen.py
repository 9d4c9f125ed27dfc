"""Reopening a MASH decision: a disagreement the MASH manager resolves "decision changed"
(`disagreements.disagreement_resolve`) puts the decision back in the manager's hands, in the
same locked transaction, so that the change takes effect.

What reopening does:
- the decision taken is kept as a `PreviousDecision` (shown on the enquiry as "previous
  decision, changed after disagreement", with a link to the disagreement; the enquiry's and
  the final Rating's history keep it too) and cleared from the enquiry, which goes back to
  ANALYSED: awaiting the manager's decision, its summary, analysis and recommendation kept;
- the contact moves back to WITH_MASH through `lifecycle.contact_move`, which ends the
  receiving team's or early help's hold (ADR 0008: the work moves on to someone else, so they
  lose write and read), gives the enquiry's MASH social worker its hold again, and starts the
  MASH's red or amber checks-and-decision clock again, timed from the reopening;
- a referral the decision made is withdrawn (`rating.referral_withdraw`: who, when and why;
  the team's managers are told in the service, its duty address by an email naming no child;
  the CIN census, Annex A and the MI stop counting it: `referrals.models.COUNTED_REFERRAL`);
- the manager then decides again on the usual decision page (`enquiries.enquiry_decide`),
  which makes the new final rating, routing, referral and email as the first time.

It refuses, with a message the resolve form shows, when the decision can no longer be changed
from here because the work has moved on in a way this cannot undo:
- the enquiry is not decided any more (another disagreement reopened it first);
- the contact is no longer where the decision sent it (for example early help stepped it up);
- early help has made its decision on it (an early help referral decision: a worker given the
  family, advice given, signposted, closed) or put it on the Early Help Panel's agenda: the
  family may already be working with early help, whose own step-up brings a case back to the
  MASH;
- the receiving team has recorded what it did with the referral (an assessment started, no
  further action, the episode closed): that is the council's record now, and the census's;
- a strategy discussion has been held on the enquiry since the decision: section 47 enquiries
  may be under way on its strength;
- a later contact about one of its children has arrived since the decision: the front door's
  work on the child continues there, and two decisions about one child must not run side by
  side (the manager carries the disagreement's concern into that contact instead).

Each of those is checked under a lock the service that records it also takes, in this order:
the enquiry (a strategy discussion), the contact (early help's decision and its panel agenda,
the team's census record, which refuses a withdrawn referral), the contact's children's person
rows (a contact submitted about one of them: `referrals.lifecycle.lock_children`), then the
census episodes. Whichever commits first, the other waits and then refuses or sees it
(tests/mash/test_disagreement_reopen_races*.py, in both orders).
"""

from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm

from accounts.audit import save_audited
from accounts.models import TeamKind, User
from accounts.roles import Role
from accounts.services import notify
from referrals import lifecycle, rating
from referrals.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    ContactRole,
    ContactStatus,
    Referral,
)
from referrals.rating import profile_team
from thresholds.models import CouncilProfile

from .models import (
    Disagreement,
    Enquiry,
    EnquiryStatus,
    NextStep,
    PreviousDecision,
    ReferralHandover,
)

NOT_DECIDED_NOW = (
    "The MASH decision has already been reopened: it is waiting for the manager's decision. "
    "Record this disagreement as upheld, or decide on the enquiry's decision page."
)
MOVED_ON = (
    "This contact is now {status}: it has moved on since the MASH decision, so the decision "
    "cannot be changed from here. Record the outcome as upheld and act on the contact as it is."
)
EARLY_HELP_DECIDED = (
    "Early help has already made its decision on this contact, so the MASH decision cannot be "
    "changed from here. Record the outcome as upheld and ask early help to step the case up."
)
ON_PANEL = (
    "This contact is on the Early Help Panel's agenda, so the MASH decision cannot be changed "
    "from here. Record the outcome as upheld and ask early help to step the case up."
)
TEAM_RECORDED = (
    "{team} has already recorded what it did with the referral (an assessment, no further "
    "action or the closure), so the MASH decision cannot be changed from here. Record the "
    "outcome as upheld and agree the next step with the team."
)
STRATEGY_HELD = (
    "A strategy discussion has been held since the MASH decision, so the decision cannot be "
    "changed from here. Record the outcome as upheld and agree the next step with the team."
)
LATER_CONTACT = (
    "A later contact about a child on this contact ({reference}) has arrived since the MASH "
    "decision: the work on the child continues there. Record the outcome as upheld and carry "
    "the disagreement into that contact."
)
_LEFT_IN = {
    NextStep.SOCIAL_WORK_REFERRAL: ContactStatus.REFERRED_TO_SOCIAL_WORK,
    NextStep.STRATEGY_DISCUSSION: ContactStatus.REFERRED_TO_SOCIAL_WORK,
    NextStep.EARLY_HELP: ContactStatus.WITH_EARLY_HELP,
    NextStep.NO_FURTHER_ACTION: ContactStatus.CLOSED_NFA,
}
_WORKER_PERMS = ("mash.view_enquiry", "mash.change_enquiry")


def _refuse_unsafe(enquiry: Enquiry, contact: Contact, referral: Referral | None) -> None:
    """Raise the reason the decision can no longer be changed from here, if there is one."""
    if enquiry.status != EnquiryStatus.DECIDED:
        raise ValidationError(NOT_DECIDED_NOW)
    # Early help's own records first: its decision may also have moved the contact on.
    if contact.early_help_decided or hasattr(contact, "early_help_decision"):
        raise ValidationError(EARLY_HELP_DECIDED)
    if contact.panel_cases.exists():
        raise ValidationError(ON_PANEL)
    status = ContactStatus(contact.status)
    if status != _LEFT_IN[NextStep(enquiry.next_step)]:
        raise ValidationError(MOVED_ON.format(status=status.label.lower()))
    if referral is not None:
        # Locked, then judged as they now are: the team recording its decision at the same
        # moment either commits first (and is seen here) or waits and then finds the contact
        # gone from it (`cin.episode_update` needs the contact's read, which the move ends).
        episodes = list(CinEpisode.objects.select_for_update().filter(referral=referral))
        if any(e.nfa or e.assessment_started_on or e.closed_on for e in episodes):
            raise ValidationError(TEAM_RECORDED.format(team=referral.team))
    if enquiry.strategy_discussions.filter(held_at__gte=enquiry.decided_at).exists():
        raise ValidationError(STRATEGY_HELD)
    children = ContactPerson.objects.filter(contact=contact, role=ContactRole.CHILD).values(
        "person_id"
    )
    later = (
        ContactPerson.objects.filter(person_id__in=children, role=ContactRole.CHILD)
        .exclude(contact=contact)
        .exclude(contact__status=ContactStatus.DRAFT)
        .filter(contact__received_at__gt=enquiry.decided_at, contact__destroyed_at__isnull=True)
        .select_related("contact")
        .order_by("contact__received_at")
        .first()
    )
    if later is not None:
        raise ValidationError(LATER_CONTACT.format(reference=later.contact.reference))


def _duty_address(referral: Referral) -> str:
    """Where the referral's email went: the team's duty address, or the team manager the
    MASH manager chose for a team without one."""
    if referral.team.duty_email:
        return referral.team.duty_email
    handover = ReferralHandover.objects.filter(referral=referral).select_related("team_manager")
    row = handover.first()
    return row.team_manager.email if row is not None and row.team_manager else ""


def _worker_back(enquiry: Enquiry) -> User | None:
    """The enquiry's MASH social worker takes it back, if still one."""
    worker = enquiry.worker
    if worker is None or not (worker.is_active and worker.has_role(Role.MASH_SOCIAL_WORKER)):
        return None
    for perm in _WORKER_PERMS:
        assign_perm(perm, worker, enquiry)
    return worker


def decision_reopen(
    *, disagreement: Disagreement, by: User, profile: CouncilProfile, reasons: str, at
) -> PreviousDecision:
    """Reopen the decision a disagreement was resolved against (inside `disagreement_resolve`'s
    transaction, its disagreement locked and its permission checked)."""
    enquiry = Enquiry.objects.select_for_update().get(pk=disagreement.enquiry_id)
    if enquiry.status != EnquiryStatus.DECIDED:
        raise ValidationError(NOT_DECIDED_NOW)
    # The contact's lock before any check of what happened to it: early help deciding, or
    # the team recording, at the same time waits, then finds the contact back with the MASH.
    contact = Contact.objects.select_for_update().get(pk=enquiry.contact_id)
    # Then its children's: a contact about one of them arriving at the same time either
    # commits first (and is seen as a later contact) or waits for the reopening.
    lifecycle.lock_children(contact)
    referral = (
        contact.referrals.filter(withdrawn_at__isnull=True, created_at__gte=enquiry.decided_at)
        .select_related("team")
        .order_by("-created_at")
        .first()
        if enquiry.next_step in (NextStep.SOCIAL_WORK_REFERRAL, NextStep.STRATEGY_DISCUSSION)
        else None
    )
    _refuse_unsafe(enquiry, contact, referral)
    who = disagreement.raised_by_name
    previous = PreviousDecision(
        enquiry=enquiry,
        disagreement=disagreement,
        final_rag=enquiry.final_rag,
        final_rationale=enquiry.final_rationale,
        next_step=enquiry.next_step,
        decided_by=enquiry.decided_by,
        decided_at=enquiry.decided_at,
        withdrawn_referral=referral,
        reopened_by=by,
        reopened_at=at,
    )
    save_audited(previous, user=by, reason=f"Decision changed after a disagreement from {who}")
    why = f"The MASH decision was changed after a disagreement from {who}: {reasons}"
    if referral is not None:
        rating.referral_withdraw(
            referral=referral, by=by, reason=why, at=at, email_to=_duty_address(referral)
        )
    enquiry.final_rag, enquiry.final_rationale, enquiry.next_step = "", "", ""
    enquiry.decided_by, enquiry.decided_at = None, None
    enquiry.status = EnquiryStatus.ANALYSED
    enquiry.version += 1
    save_audited(enquiry, user=by, reason=f"Decision reopened: {why}")
    worker = _worker_back(enquiry)
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.WITH_MASH,
        by=by,
        reason=f"Back with the MASH manager to decide again. {why}",
        team=profile_team(profile, TeamKind.MASH),
        worker=worker,
        profile=profile,
        at=at,
    )
    if worker is not None:
        notify(
            user=worker,
            title=f"MASH decision on contact {contact.reference} reopened",
            body="The decision is being taken again after a disagreement.",
            url=contact.get_absolute_url(),
            email=False,
        )
    return previous
