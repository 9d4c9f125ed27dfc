"""MASH enquiries: opening, assignment, consent, partner checks and partner answers (DOMAIN §6-§7).

Partner agency staff act only through object permissions granted to their agency's group on
the requests addressed to it; they hold no model-level permission on requests or answers.
The final decision and the referral on build on `enquiry_lock` / `enquiry_touch`.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import save_audited
from accounts.models import PartnerAgency, Team, TeamKind, User
from accounts.roles import Role
from accounts.services import absolute_url, agency_group, email_queue, notify
from core.enums import Rag, RatingOutcome
from referrals import lifecycle, rating
from referrals.models import (
    AssessmentType,
    Contact,
    ContactStatus,
    Rating,
    RatingStage,
    Referral,
)
from referrals.rating import profile_team
from referrals.selectors import case_numbers, names_on
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from .access import may_enquiry, require_enquiry, require_partner_request
from .models import (
    AnswerStatus,
    ConsentDecision,
    ConsentGround,
    ConsentOutcome,
    Enquiry,
    EnquiryStatus,
    HandoverMethod,
    InformationShared,
    NextStep,
    PartnerAnswer,
    PartnerRequest,
    ReferralHandover,
    RequestStatus,
)
from .selectors import early_help_consent_for

ALREADY_DECIDED = "This enquiry has already been decided."
STALE_ENQUIRY = "This enquiry has changed since you opened it. Reload it and try again."
CONSENT_REQUIRED = (
    "Consent must be obtained: this is not red or amber child protection work, so it cannot "
    "go ahead without the family's agreement."
)
NO_CONSENT_DECISION = "Record what happened about consent before asking partners for checks."
CONSENT_REFUSED = (
    "The family refused consent: a MASH manager must override the refusal, with a ground and "
    "a rationale, before partners are asked for checks."
)
NO_REFUSAL_TO_OVERRIDE = (
    "You can only override a refusal when consent was sought and refused: record the "
    "refusal first, or select what happened about consent"
)
REQUEST_CLOSED = (
    "This request is no longer needed: the MASH made its decision before your agency "
    "answered, so an answer can no longer be submitted to it."
)
_WORKER_PERMS = ("mash.view_enquiry", "mash.change_enquiry")
_REQUEST_PERMS = ("mash.view_partnerrequest", "mash.change_partnerrequest")


def enquiry_lock(*, enquiry: Enquiry, version: int) -> Enquiry:
    """The enquiry locked for update, or a ValidationError if it changed since `version` was read."""
    locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if locked.version != version:
        raise ValidationError(STALE_ENQUIRY)
    return locked


def _save_enquiry(enquiry: Enquiry, *, by: User, reason: str) -> None:
    enquiry.version += 1
    save_audited(enquiry, user=by, reason=reason)


@transaction.atomic
def enquiry_touch(*, enquiry: Enquiry, by: User, version: int, reason: str) -> Enquiry:
    """Check the caller's version, then save the enquiry with the next one (no lost updates)."""
    locked = enquiry_lock(enquiry=enquiry, version=version)
    _save_enquiry(locked, by=by, reason=reason)
    return locked


def _check_worker(worker: User) -> None:
    if not (worker.is_active and worker.has_role(Role.MASH_SOCIAL_WORKER)):
        raise ValidationError({"worker": "Select a MASH social worker"})


def _give_to_worker(enquiry: Enquiry, worker: User, *, by: User) -> None:
    """The worker holds the enquiry and the contact (the previous worker's grants on the
    contact and its people end in `contact_move`; on the enquiry, in `_take_from_worker`)."""
    for perm in _WORKER_PERMS:
        assign_perm(perm, worker, enquiry)
    lifecycle.contact_move(
        contact=enquiry.contact,
        to=ContactStatus.WITH_MASH,
        by=by,
        reason=f"MASH enquiry assigned to {worker}",
        worker=worker,
    )
    notify(
        user=worker,
        title=f"MASH enquiry on contact {enquiry.contact.reference} assigned to you",
        url=enquiry.contact.get_absolute_url(),
    )


def _take_from_worker(enquiry: Enquiry, worker: User) -> None:
    for perm in _WORKER_PERMS:
        remove_perm(perm, worker, enquiry)


@transaction.atomic
def enquiry_open(
    *, contact: Contact, by: User, profile: CouncilProfile, worker: User | None = None
) -> Enquiry:
    """Open a MASH enquiry on a contact with the MASH manager, optionally assigning a worker."""
    require_enquiry(by, "add_enquiry")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != ContactStatus.WITH_MASH:
        raise ValidationError("Only a contact with the MASH manager can become a MASH enquiry.")
    if Enquiry.objects.filter(contact=contact).exists():
        raise ValidationError("This contact already has a MASH enquiry.")
    if worker is not None:
        _check_worker(worker)
    enquiry = Enquiry(contact=contact, opened_by=by, opened_at=timezone.now(), worker=worker)
    save_audited(enquiry, user=by, reason=f"MASH enquiry opened on {contact.reference}")
    if worker is not None:
        _give_to_worker(enquiry, worker, by=by)
    return enquiry


@transaction.atomic
def enquiry_assign(*, enquiry: Enquiry, by: User, worker: User) -> Enquiry:
    """Give the enquiry to a MASH social worker (the previous worker loses its permissions)."""
    if not may_enquiry(by, "decide_enquiry"):
        raise PermissionDenied
    _check_worker(worker)
    enquiry = Enquiry.objects.select_for_update().select_related("contact").get(pk=enquiry.pk)
    previous = enquiry.worker
    if previous is not None and previous.pk == worker.pk:
        return enquiry
    if enquiry.status == EnquiryStatus.DECIDED:
        raise ValidationError(ALREADY_DECIDED)
    if previous is not None:
        _take_from_worker(enquiry, previous)
    enquiry.worker = worker
    _save_enquiry(enquiry, by=by, reason=f"Assigned to {worker}")
    _give_to_worker(enquiry, worker, by=by)
    return enquiry


def consent_may_be_set_aside(contact: Contact) -> bool:
    """Red, or amber with child protection concerns on its latest rating (DOMAIN §7)."""
    if contact.rag == Rag.RED:
        return True
    if contact.rag == Rag.AMBER:
        latest = contact.ratings.order_by("-rated_at", "-pk").first()
        return bool(latest and latest.cp_concerns)
    return False


def consent_refused(enquiry: Enquiry) -> bool:
    """Whether the consent decision standing now is 'sought and refused': the only one a
    manager may override (DOMAIN §7)."""
    latest = enquiry.latest_consent
    return latest is not None and latest.outcome == ConsentOutcome.SOUGHT_REFUSED


@transaction.atomic
def enquiry_record_consent(
    *,
    enquiry: Enquiry,
    by: User,
    outcome: ConsentOutcome | str,
    ground: ConsentGround | str = "",
    rationale: str = "",
) -> ConsentDecision:
    """Record what happened about consent; not seeking or overriding it is a manager's decision."""
    require_enquiry(by, "change_enquiry", enquiry)
    enquiry = Enquiry.objects.select_for_update().select_related("contact").get(pk=enquiry.pk)
    if enquiry.status == EnquiryStatus.DECIDED:
        raise ValidationError(ALREADY_DECIDED)
    if outcome not in ConsentOutcome.values:
        raise ValidationError({"outcome": "Select what happened about consent"})
    if outcome in (ConsentOutcome.NOT_SOUGHT, ConsentOutcome.OVERRIDDEN):
        if not may_enquiry(by, "decide_enquiry"):
            raise PermissionDenied(
                "Only a MASH manager may decide not to seek or to override consent."
            )
        if not consent_may_be_set_aside(enquiry.contact):
            raise ValidationError({"outcome": CONSENT_REQUIRED})
        if outcome == ConsentOutcome.OVERRIDDEN and not consent_refused(enquiry):
            raise ValidationError({"outcome": NO_REFUSAL_TO_OVERRIDE})
        errors = {}
        if ground not in ConsentGround.values:
            errors["ground"] = "Select the ground for not seeking or overriding consent"
        if not rationale.strip():
            errors["rationale"] = "Enter the rationale for not seeking or overriding consent"
        if errors:
            raise ValidationError(errors)
    elif ground:
        raise ValidationError(
            {"ground": "Give a ground only when consent is not sought or is overridden"}
        )
    decision = ConsentDecision(
        enquiry=enquiry,
        outcome=outcome,
        ground=ground,
        rationale=rationale,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    save_audited(decision, user=by, reason=f"Consent: {ConsentOutcome(outcome).label}")
    return decision


def default_agencies(profile: CouncilProfile) -> list[PartnerAgency]:
    """The profile's always-asked agencies, preselected when a worker requests checks."""
    return list(
        PartnerAgency.objects.filter(profile=profile, always_asked=True, is_active=True).order_by(
            "name"
        )
    )


@transaction.atomic
def enquiry_request_checks(
    *,
    enquiry: Enquiry,
    by: User,
    profile: CouncilProfile,
    agencies: list[PartnerAgency],
    question: str,
) -> list[PartnerRequest]:
    """Ask partner agencies for checks, each with its own clock. An agency whose request is still
    open is skipped; one that answered (or whose request was closed) is asked again: a new
    request and clock, the earlier request and its answer kept as they were."""
    require_enquiry(by, "change_enquiry", enquiry)
    enquiry = Enquiry.objects.select_for_update().select_related("contact").get(pk=enquiry.pk)
    if enquiry.status == EnquiryStatus.DECIDED:
        raise ValidationError(ALREADY_DECIDED)
    consent = enquiry.latest_consent
    if consent is None:
        raise ValidationError(NO_CONSENT_DECISION)
    if not consent.allows_checks:
        raise ValidationError(CONSENT_REFUSED)
    if not question.strip():
        raise ValidationError({"question": "Enter what you are asking the agencies"})
    if not agencies:
        raise ValidationError({"agencies": "Select at least one agency"})
    foreign = [a for a in agencies if not a.is_active or a.profile_id not in (None, profile.pk)]
    if foreign:
        raise ValidationError({"agencies": f"{foreign[0]} is not one of {profile}'s MASH partners"})
    contact = enquiry.contact
    asked = set(
        enquiry.requests.filter(status=RequestStatus.OPEN).values_list("agency_id", flat=True)
    )
    numbers = case_numbers(contact)
    now = timezone.now()
    due = clocks.compute_due(profile, ClockKind.PARTNER_CHECK, now, contact.rag)
    created = []
    for agency in agencies:
        if agency.pk in asked:
            continue
        asked.add(agency.pk)
        request = PartnerRequest(
            enquiry=enquiry,
            agency=agency,
            question=question,
            requested_by=by,
            requested_at=now,
            rag=contact.rag,
            # The inbox orders by the request's own clock (started below with the same start
            # and RAG, so the same due time): copied onto the row to be indexable.
            due_at=due,
        )
        save_audited(request, user=by, reason=f"Checks requested from {agency}")
        clocks.deadline_start(
            profile=profile,
            kind=ClockKind.PARTNER_CHECK,
            by=by,
            contact=contact,
            subject=request,
            # The MASH answers for partner checks: a breach alerts its managers, not every team's.
            team=profile_team(profile, TeamKind.MASH),
            responsible_role=Role.MASH_MANAGER,
            rag=contact.rag,
            started_at=now,
            description=f"Checks from {agency}",
        )
        group = agency_group(agency=agency, by=by)
        for perm in _REQUEST_PERMS:
            assign_perm(perm, group, request)
        rag = f"{Rag(contact.rag).label} " if contact.rag else ""
        for user in User.objects.filter(agency=agency, groups=group, is_active=True):
            notify(
                user=user,
                title=f"{rag}MASH check request: contact {contact.reference}, case {numbers}",
                body=f"The MASH asks {agency} for checks on contact {contact.reference} "
                f"(case {numbers}).",
                url=reverse("mash:partner_request", args=[request.pk]),
            )
        created.append(request)
    return created


def _lock_enquiry_of(request: PartnerRequest) -> Enquiry:
    """Every service takes the enquiry's lock before its requests' and answers' (one order, no
    deadlock): an answer then sees the worker a concurrent reassignment left, never the old one."""
    return Enquiry.objects.select_for_update().get(pk=request.enquiry_id)


@transaction.atomic
def answer_save_draft(
    *,
    request: PartnerRequest,
    by: User,
    information_held: str,
    analysis: str,
    share_with_receiving_service: bool,
    share_with_family: bool,
) -> PartnerAnswer:
    """Save the agency's draft answer; after a submission this starts the next version (a correction)."""
    require_partner_request(by, "change_partnerrequest", request)
    _lock_enquiry_of(request)
    request = PartnerRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise ValidationError(REQUEST_CLOSED)
    latest = request.answers.order_by("-version").first()
    if latest is None or latest.is_submitted:
        answer = PartnerAnswer(request=request, version=(latest.version + 1) if latest else 1)
        reason = f"Answer version {answer.version} started"
    else:
        answer = latest
        reason = f"Draft answer version {answer.version} saved"
    answer.information_held = information_held
    answer.analysis = analysis
    answer.share_with_receiving_service = share_with_receiving_service
    answer.share_with_family = share_with_family
    answer.author = by
    save_audited(answer, user=by, reason=reason)
    return answer


@transaction.atomic
def answer_submit(*, answer: PartnerAnswer, by: User) -> PartnerAnswer:
    """Submit a draft answer to the MASH; it can never change afterwards."""
    require_partner_request(by, "change_partnerrequest", answer.request)
    _lock_enquiry_of(answer.request)
    request = (
        PartnerRequest.objects.select_for_update()
        .select_related("enquiry__contact", "agency")
        .get(pk=answer.request_id)
    )
    if request.status == RequestStatus.CLOSED:
        raise ValidationError(REQUEST_CLOSED)
    answer = PartnerAnswer.objects.select_for_update().select_related("request").get(pk=answer.pk)
    if answer.is_submitted:
        raise ValidationError(
            "This answer has already been submitted. To correct it, save a new version."
        )
    errors = {}
    if not answer.information_held.strip():
        errors["information_held"] = "Enter the information your agency holds, or say it holds none"
    if not answer.analysis.strip():
        errors["analysis"] = "Enter your analysis of what the information means for the child"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    answer.status, answer.submitted_at, answer.author = AnswerStatus.SUBMITTED, now, by
    save_audited(answer, user=by, reason=f"Answer version {answer.version} submitted")
    if request.status != RequestStatus.ANSWERED:
        request.status = RequestStatus.ANSWERED
        save_audited(request, user=by, reason=f"Answered by {request.agency}")
    contact = request.enquiry.contact
    clocks.deadline_meet(
        kind=ClockKind.PARTNER_CHECK,
        by=by,
        contact=contact,
        subject=request,
        at=now,
        reason=f"Checks answered by {request.agency}",
    )
    worker = request.enquiry.worker
    if worker is not None:
        correction = " (a correction)" if answer.version > 1 else ""
        notify(
            user=worker,
            title=f"{request.agency} answered for contact {contact.reference}{correction}",
            url=contact.get_absolute_url(),
            email=False,
        )
    return answer


# --- Analysis, the manager's decision and the referral on (DOMAIN §6, protocol 8.3) ---------

NO_ANALYSIS = "The MASH social worker's analysis and recommendation must be recorded first."
_ROUTE_FOR_STEP = {
    NextStep.SOCIAL_WORK_REFERRAL: RatingOutcome.SOCIAL_WORK_REFERRAL,
    # Urgent child protection goes straight to the allocated team under section 47.
    NextStep.STRATEGY_DISCUSSION: RatingOutcome.SOCIAL_WORK_REFERRAL,
    NextStep.EARLY_HELP: RatingOutcome.EARLY_HELP,
    NextStep.NO_FURTHER_ACTION: RatingOutcome.NO_FURTHER_ACTION,
}


@transaction.atomic
def enquiry_record_analysis(
    *,
    enquiry: Enquiry,
    by: User,
    version: int,
    summary: str,
    analysis: str,
    recommended_level: int | None,
    recommended_action: str,
) -> Enquiry:
    """Record the MASH social worker's summary, analysis and recommendation for the manager."""
    require_enquiry(by, "change_enquiry", enquiry)
    enquiry = enquiry_lock(enquiry=enquiry, version=version)
    if enquiry.status == EnquiryStatus.DECIDED:
        raise ValidationError(ALREADY_DECIDED)
    errors = {}
    if not summary.strip():
        errors["summary"] = "Enter a summary of the information gathered"
    if not analysis.strip():
        errors["analysis"] = "Enter your analysis"
    if recommended_level not in (1, 2, 3, 4):
        errors["recommended_level"] = "Select a level of need from 1 to 4"
    if errors:
        raise ValidationError(errors)
    enquiry.summary, enquiry.analysis = summary, analysis
    enquiry.recommended_level, enquiry.recommended_action = recommended_level, recommended_action
    enquiry.status = EnquiryStatus.ANALYSED
    _save_enquiry(
        enquiry, by=by, reason=f"Analysis recorded: recommended level {recommended_level}"
    )
    return enquiry


NO_DUTY_EMAIL = (
    "{team} has no duty email address. Choose how the referral reaches the team: email one of "
    "its team managers, or record who took the referral, when and how"
)


@dataclass(frozen=True)
class Handover:
    """How a referral reaches a team with no duty email address (`HandoverMethod`)."""

    method: str
    team_manager: User | None = None
    handed_to: str = ""
    handed_over_at: dt.datetime | None = None
    how: str = ""


def _check_handover(team: Team, handover: Handover | None) -> None:
    """A referral to a team with no duty email never goes silently: the manager chose a
    team manager to email or recorded the handover, or this refuses (with what to do)."""
    if team.duty_email:
        return
    if handover is None or handover.method not in HandoverMethod.values:
        raise ValidationError({"handover_method": NO_DUTY_EMAIL.format(team=team)})
    errors = {}
    if handover.method == HandoverMethod.TEAM_MANAGER_EMAIL:
        manager = handover.team_manager
        if (
            manager is None
            or not rating.team_managers_with_email(team).filter(pk=manager.pk).exists()
        ):
            errors["team_manager"] = f"Select a team manager of {team} to email the referral to"
    else:
        if not handover.handed_to.strip():
            errors["handed_to"] = "Enter who took the referral"
        if handover.handed_over_at is None:
            errors["handed_over_at"] = "Enter the date and time the referral was handed over"
        elif handover.handed_over_at > timezone.now() + dt.timedelta(minutes=5):
            errors["handed_over_at"] = "The date and time of the handover must be in the past"
        if not handover.how.strip():
            errors["how"] = "Enter how the referral was handed over, for example by phone"
    if errors:
        raise ValidationError(errors)


def _record_handover(*, referral: Referral, handover: Handover, by: User, now) -> ReferralHandover:
    row = ReferralHandover(
        referral=referral,
        method=handover.method,
        team_manager=handover.team_manager
        if handover.method == HandoverMethod.TEAM_MANAGER_EMAIL
        else None,
        handed_to=handover.handed_to.strip(),
        handed_over_at=handover.handed_over_at,
        how=handover.how.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    label = HandoverMethod(handover.method).label
    save_audited(row, user=by, reason=f"{referral.team} has no duty email: {label.lower()}")
    return row


def _consent_for_early_help(enquiry: Enquiry) -> bool:
    return early_help_consent_for([enquiry.contact])[enquiry.contact_id]


@transaction.atomic
def enquiry_decide(
    *,
    enquiry: Enquiry,
    by: User,
    version: int,
    profile: CouncilProfile,
    final_rag: Rag | str,
    final_rationale: str,
    next_step: NextStep | str,
    team: Team | None = None,
    assessment_type: AssessmentType | str = "",
    primary_need: str | None = None,
    handover: Handover | None = None,
) -> Enquiry:
    """The MASH manager's final RAG rating and next step; a referral passes on only shareable
    answers and records the children's primary need (`rating.check_referral`). A referral to
    a team with no duty email needs a `handover` (a team manager to email, or a recorded one)."""
    if not may_enquiry(by, "decide_enquiry"):
        raise PermissionDenied
    # Lock first: of two managers deciding at once, the second finds the version moved on.
    enquiry = enquiry_lock(enquiry=enquiry, version=version)
    if enquiry.status == EnquiryStatus.DECIDED:
        raise ValidationError(ALREADY_DECIDED)
    if not enquiry.is_awaiting_decision:
        raise ValidationError(NO_ANALYSIS)
    errors = {}
    if final_rag not in Rag.values:
        errors["final_rag"] = "Select the final RAG rating"
    if not final_rationale.strip():
        errors["final_rationale"] = "Enter the rationale for the final rating"
    if next_step not in NextStep.values:
        errors["next_step"] = "Select what happens next"
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.select_for_update().get(pk=enquiry.contact_id)
    if contact.status != ContactStatus.WITH_MASH:
        raise ValidationError("This contact is no longer with the MASH manager.")
    next_step = NextStep(next_step)
    outcome = _ROUTE_FOR_STEP[next_step]
    if next_step == NextStep.STRATEGY_DISCUSSION:
        assessment_type = AssessmentType.SECTION_47
    # The MASH decision is not limited to the profile's initial-rating outcomes: after
    # checks, no further action is a legitimate end even where screening cannot choose it.
    rating.check_referral(outcome, team, assessment_type, profile, primary_need=primary_need)
    if next_step == NextStep.EARLY_HELP and not _consent_for_early_help(enquiry):
        raise ValidationError({"next_step": rating.NO_CONSENT_FOR_EARLY_HELP})
    if outcome == RatingOutcome.SOCIAL_WORK_REFERRAL and team is not None:
        _check_handover(team, handover)
    now = timezone.now()
    cp_concerns = final_rag == Rag.RED or next_step == NextStep.STRATEGY_DISCUSSION
    final = Rating(
        contact=contact,
        stage=RatingStage.FINAL,
        rag=final_rag,
        level=enquiry.recommended_level,
        cp_concerns=cp_concerns,
        outcome=outcome,
        rationale=final_rationale,
        rated_by=by,
        rated_at=now,
    )
    save_audited(final, user=by, reason=f"Final rating: {Rag(final_rag).label}")
    _close_unanswered(enquiry=enquiry, contact=contact, by=by, now=now)
    routed = rating.route_contact(
        contact,
        outcome,
        by=by,
        profile=profile,
        rag=final_rag,
        level=enquiry.recommended_level,
        team=team,
        assessment_type=assessment_type,
        rationale=final_rationale,
        reason=f"MASH decision: {Rag(final_rag).label}, {next_step.label}. {final_rationale}",
        now=now,
        primary_need=primary_need or "",
    )
    contact = routed.contact
    enquiry.final_rag, enquiry.final_rationale, enquiry.next_step = (
        final_rag,
        final_rationale,
        next_step,
    )
    enquiry.decided_by, enquiry.decided_at = by, now
    enquiry.status = EnquiryStatus.DECIDED
    _save_enquiry(enquiry, by=by, reason=f"Decided: {Rag(final_rag).label}, {next_step.label}")
    if enquiry.worker is not None:
        # The work has moved on from the MASH: the worker's hold on the enquiry ends with it.
        _take_from_worker(enquiry, enquiry.worker)
    if routed.referral is not None:
        referral = routed.referral
        shared = _share_answers(enquiry=enquiry, referral=referral, by=by, now=now)
        address = referral.team.duty_email
        if not address:
            row = _record_handover(referral=referral, handover=handover, by=by, now=now)
            address = row.team_manager.email if row.team_manager else ""
        if address:
            _email_duty_manager(referral=referral, enquiry=enquiry, shared=shared, to=address)
    return enquiry


def _close_unanswered(*, enquiry: Enquiry, contact: Contact, by: User, now) -> None:
    """Partner checks still unanswered at the decision are no longer needed: close each
    request and its clock (it never breaches) and tell the agency's staff in the service."""
    unanswered = (
        enquiry.requests.select_for_update(of=("self",))
        .filter(status=RequestStatus.OPEN)
        .select_related("agency")
        .order_by("pk")
    )
    for request in unanswered:
        reason = f"The MASH made its decision before {request.agency} answered."
        request.status = RequestStatus.CLOSED
        save_audited(request, user=by, reason=f"No longer needed: {reason}")
        clocks.deadline_close(
            kind=ClockKind.PARTNER_CHECK,
            contact=contact,
            subject=request,
            by=by,
            reason=reason,
            at=now,
        )
        group = agency_group(agency=request.agency, by=by)
        for user in User.objects.filter(agency=request.agency, groups=group, is_active=True):
            notify(
                user=user,
                title=f"Check request on contact {contact.reference} no longer needed",
                body="The MASH made its decision before your agency answered. "
                "You do not need to answer this request.",
                url=reverse("mash:partner_request", args=[request.pk]),
                email=False,
            )


def _share_answers(
    *, enquiry: Enquiry, referral: Referral, by: User, now
) -> list[InformationShared]:
    # Only what the providing agency agreed to pass on goes onward (protocol 8.3).
    shared = []
    for request in enquiry.requests.select_related("agency").order_by("agency__name"):
        answer = request.current_answer
        if answer is None or not answer.share_with_receiving_service:
            continue
        row = InformationShared(referral=referral, answer=answer, shared_at=now, shared_by=by)
        save_audited(
            row, user=by, reason=f"{request.agency}'s information passed on to {referral.team}"
        )
        shared.append(row)
    return shared


def _email_duty_manager(
    *, referral: Referral, enquiry: Enquiry, shared: list[InformationShared], to: str
) -> None:
    """Queue an email to the receiving team's duty manager (or, where the team has no duty
    address, the team manager the MASH manager chose). Never names a child."""
    address = to
    contact = referral.contact
    subject = f"MASH referral: contact {contact.reference}, case {case_numbers(contact)}"
    lines = [
        f"The MASH has referred contact {contact.reference} to {referral.team.name}.",
        "",
        f"Final RAG rating: {Rag(enquiry.final_rag).label}",
        f"Next step: {NextStep(enquiry.next_step).label}",
        f"Assessment type: {referral.get_assessment_type_display()}",
        "",
    ]
    if shared:
        lines.append("Information partner agencies agreed to share with your team:")
        for row in shared:
            answer = row.answer
            lines += [
                "",
                f"{answer.request.agency.name}",
                f"Information held: {answer.information_held}",
                f"Analysis: {answer.analysis}",
            ]
    else:
        lines.append("No partner agency information was agreed to be shared onward.")
    lines += ["", f"Open the {settings.SERVICE_NAME}: {absolute_url(contact.get_absolute_url())}"]
    # The outbox keeps the email until the mail server takes it (retried, never lost).
    email_queue(
        to=address,
        subject=subject,
        body="\n".join(lines),
        purpose="mash_referral",
        about=referral,
        forbidden_names=names_on(contact),
    )
