"""The initial rating and the routing rules that follow it (DOMAIN §5, §7, §8).

`route_for` is the rulebook: given a rating and the contact's history it says where the
contact goes, or why the chosen outcome is not allowed. `contact_rate` records the rating,
moves the contact, grants access and starts and stops the clocks.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import Team, TeamKind, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from accounts.services import absolute_url, email_queue, notify
from core.enums import Rag, RatingOutcome, YesNoUnknown
from core.text import lower_in_sentence
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile, ThresholdIndicator

from . import cin, extensions, lifecycle
from .access import require_contact
from .models import (
    AssessmentType,
    Contact,
    ContactRole,
    ContactSource,
    ContactStatus,
    KnownStatus,
    PrimaryNeed,
    Rating,
    RatingStage,
    Referral,
)
from .notices.services import referrer_notice_after_outcome
from .selectors import case_numbers, names_on, profile_team

STATUS_FOR = {
    RatingOutcome.MASH: ContactStatus.WITH_MASH,
    RatingOutcome.SOCIAL_WORK_REFERRAL: ContactStatus.REFERRED_TO_SOCIAL_WORK,
    RatingOutcome.DAILY_DISCUSSION: ContactStatus.DAILY_DISCUSSION,
    RatingOutcome.EARLY_HELP: ContactStatus.WITH_EARLY_HELP,
    RatingOutcome.INFORMATION_AND_ADVICE: ContactStatus.INFORMATION_AND_ADVICE,
    RatingOutcome.NO_FURTHER_ACTION: ContactStatus.CLOSED_NFA,
}
# Outcomes a practitioner may choose for each rating when no rule decides.
CHOICES_FOR = {
    Rag.AMBER: [
        RatingOutcome.SOCIAL_WORK_REFERRAL,
        RatingOutcome.DAILY_DISCUSSION,
        RatingOutcome.MASH,
        RatingOutcome.INFORMATION_AND_ADVICE,
        RatingOutcome.NO_FURTHER_ACTION,
    ],
    Rag.GREEN: [
        RatingOutcome.EARLY_HELP,
        RatingOutcome.DAILY_DISCUSSION,
        RatingOutcome.INFORMATION_AND_ADVICE,
        RatingOutcome.NO_FURTHER_ACTION,
    ],
}
NO_CONSENT_FOR_EARLY_HELP = (
    "Early help cannot go ahead without the family's consent. Record the family's agreement on "
    "the contact first (a member of the public's referral needs none), or choose another outcome."
)


@dataclass(frozen=True)
class Route:
    outcome: RatingOutcome
    reason: str
    forced: bool = False


def _children_known(contact: Contact) -> set[str]:
    return set(
        contact.contact_people.filter(role=ContactRole.CHILD).values_list("known_status", flat=True)
    )


def has_consent(contact: Contact) -> bool:
    """Consent for early help: the family agreed, or the referrer is a member of the public."""
    return contact.family_agrees == YesNoUnknown.YES or contact.is_from_public


def route_for(
    contact: Contact,
    *,
    profile: CouncilProfile,
    rag: Rag | str,
    cp_concerns: bool,
    chosen: RatingOutcome | str | None,
) -> Route:
    """Where the rules send a rated contact. Raises ValidationError when the choice is not allowed."""
    known = _children_known(contact)
    if profile.route_previously_known_to_mash and KnownStatus.CLOSED_SOCIAL_CARE in known:
        return Route(
            RatingOutcome.MASH,
            "A child was previously known to social care: the MASH manager reviews the history "
            "whatever the rating.",
            forced=True,
        )
    if KnownStatus.OPEN_EARLY_HELP in known:
        return Route(
            RatingOutcome.MASH,
            "A child is open to early help: MASH screens the new concerns for step-up.",
            forced=True,
        )
    if rag == Rag.RED:
        return Route(
            RatingOutcome.MASH,
            "Red: risk of immediate or serious harm goes to the MASH.",
            forced=True,
        )
    if rag == Rag.AMBER and cp_concerns:
        return Route(
            RatingOutcome.MASH,
            "Amber with child protection concerns goes to the MASH.",
            forced=True,
        )
    allowed = [o for o in CHOICES_FOR[Rag(rag)] if profile.uses(o)]
    if not chosen:
        raise ValidationError({"outcome": "Select what happens next"})
    if chosen not in allowed:
        names = "; ".join(str(RatingOutcome(o).label) for o in allowed)
        article = "An" if rag == Rag.AMBER else "A"
        raise ValidationError(
            {
                "outcome": f"{article} {lower_in_sentence(Rag(rag).label)} rating can lead to: {names}"
            }
        )
    if chosen == RatingOutcome.EARLY_HELP and not has_consent(contact):
        raise ValidationError({"outcome": NO_CONSENT_FOR_EARLY_HELP})
    return Route(
        RatingOutcome(chosen),
        f"{Rag(rag).label}: {lower_in_sentence(RatingOutcome(chosen).label)}.",
    )


@transaction.atomic
def contact_rate(
    *,
    contact: Contact,
    by: User,
    profile: CouncilProfile,
    rag: Rag | str,
    level: int,
    cp_concerns: bool,
    rationale: str,
    indicators: list[ThresholdIndicator] | None = None,
    outcome: RatingOutcome | str | None = None,
    team: Team | None = None,
    assessment_type: AssessmentType | str = "",
    borderline: str = "",
    now: dt.datetime | None = None,
    primary_need: str | None = None,
) -> Route:
    """Give a contact its initial RAG rating and route it as the rules require (a referral
    records the children's primary need: `check_referral`)."""
    require_contact(by, "rate_contact", contact)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != ContactStatus.AWAITING_RATING:
        raise ValidationError("This contact is not waiting for an initial rating.")
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the rating"})
    route = route_for(contact, profile=profile, rag=rag, cp_concerns=cp_concerns, chosen=outcome)
    check_referral(route.outcome, team, assessment_type, profile, primary_need=primary_need)
    if route.outcome == RatingOutcome.DAILY_DISCUSSION and not borderline:
        raise ValidationError({"borderline": "Select why the contact needs the daily discussion"})
    now = now or timezone.now()
    rating = Rating(
        contact=contact,
        stage=RatingStage.INITIAL,
        rag=rag,
        level=level,
        cp_concerns=cp_concerns,
        outcome=route.outcome,
        rationale=rationale,
        rated_by=by,
        rated_at=now,
    )
    save_audited(rating, user=by, reason=f"Initial rating: {Rag(rag).label}")
    if indicators:
        rating.indicators.set(indicators)
    routed = route_contact(
        contact,
        route.outcome,
        by=by,
        profile=profile,
        rag=rag,
        level=level,
        team=team,
        assessment_type=assessment_type,
        rationale=rationale,
        reason=f"Rated {Rag(rag).label}: {route.reason} {rationale}".strip(),
        now=now,
        primary_need=primary_need or "",
    )
    contact = routed.contact
    if routed.referral is not None and routed.referral.team.duty_email:
        _email_duty_address(routed.referral, rag=rag)
    if cp_concerns and contact.source == ContactSource.PHONE and contact.referrer_is_professional:
        clocks.deadline_start(
            profile=profile,
            kind=ClockKind.CP_WRITTEN_FOLLOW_UP,
            by=by,
            contact=contact,
            responsible_role=Role.SCREENING_OFFICER,
            rag=rag,
            started_at=contact.received_at,
        )
    if route.outcome == RatingOutcome.DAILY_DISCUSSION:
        # The daily discussion is the MASH's (mash registers it: referrals.extensions).
        extensions.outcome_hand_off(route.outcome, contact=contact, reason=borderline, by=by)
    return route


def check_referral(
    outcome: RatingOutcome | str,
    team: Team | None,
    assessment_type: str,
    profile: CouncilProfile | None = None,
    *,
    primary_need: str | None = None,
) -> None:
    """A referral names a social work team, the type of assessment and the children's primary
    need (CIN census). `primary_need=None` means the caller does not ask it (a data load or a
    script: the episode then shows as missing its need until the receiving team gives it,
    `cin.episode_problems`); every page that refers a contact passes the worker's answer, and
    a blank answer is refused."""
    if outcome != RatingOutcome.SOCIAL_WORK_REFERRAL:
        return
    errors = {}
    if team is None or team.kind not in (TeamKind.SOCIAL_WORK, TeamKind.DISABLED_CHILDREN):
        errors["team"] = "Select the social work team the contact is referred to"
    elif profile is not None and team.profile_id not in (None, profile.pk):
        errors["team"] = f"{team} is not one of {profile}'s teams"
    if not assessment_type:
        errors["assessment_type"] = "Select the type of assessment"
    if primary_need is not None and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = (
            "Select the child's primary need"
            if not primary_need
            else "Choose a primary need from the list."
        )
    if errors:
        raise ValidationError(errors)


def team_managers_with_email(team: Team):
    """The team's active managers with an email address: who a referral can reach when the team
    has no duty address."""
    return (
        users_with_role(Role.TEAM_MANAGER, team=team)
        .exclude(email="")
        .order_by("first_name", "last_name")
    )


def _email_duty_address(referral: Referral, *, rag: str) -> None:
    """Queue the Contact and Referral record's notice to the receiving team's duty address
    (the outbox retries until the mail server takes it). Never names a child."""
    contact = referral.contact
    body = [
        f"The front door has referred contact {contact.reference} to {referral.team.name}.",
        "",
        f"Initial RAG rating: {Rag(rag).label}",
        f"Assessment type: {referral.get_assessment_type_display()}",
        "",
        f"Open the Contact and Referral record: {absolute_url(contact.get_absolute_url())}",
    ]
    email_queue(
        to=referral.team.duty_email,
        subject=f"Referral: contact {contact.reference}, case {case_numbers(contact)}",
        body="\n".join(body),
        purpose="screening_referral",
        about=referral,
        forbidden_names=names_on(contact),
    )


@dataclass(frozen=True)
class Routed:
    """Where `route_contact` sent a contact: the moved row, and the referral it made (if any)."""

    contact: Contact
    referral: Referral | None = None


def route_contact(
    contact: Contact,
    outcome: RatingOutcome,
    *,
    by: User,
    profile: CouncilProfile,
    rag: str,
    level: int | None,
    team: Team | None,
    assessment_type: str,
    rationale: str,
    reason: str,
    now: dt.datetime,
    primary_need: str = "",
) -> Routed:
    """Move the contact (with its rating) to whoever the outcome names, with its clocks; returns
    the moved row and the referral a social work referral made."""
    holder = {
        RatingOutcome.MASH: profile_team(profile, TeamKind.MASH),
        RatingOutcome.SOCIAL_WORK_REFERRAL: team,
        RatingOutcome.EARLY_HELP: profile_team(profile, TeamKind.EARLY_HELP_TRIAGE),
    }.get(outcome)
    contact = lifecycle.contact_move(
        contact=contact,
        to=STATUS_FOR[outcome],
        by=by,
        reason=reason,
        team=holder,
        # Information and advice stays with the senior practitioner who chose it.
        worker=by if outcome == RatingOutcome.INFORMATION_AND_ADVICE else None,
        profile=profile,
        facts={"rag": rag, "level": level},
        at=now,
    )
    referral = None
    if outcome != RatingOutcome.DAILY_DISCUSSION:
        # The referrer hears the outcome once there is one; a discussion decides it later.
        clocks.deadline_start(
            profile=profile,
            kind=ClockKind.REFERRER_TOLD,
            by=by,
            contact=contact,
            responsible_role=Role.SCREENING_OFFICER,
            rag=rag,
            started_at=now,
        )
        referrer_notice_after_outcome(contact=contact, by=by)
    url = contact.get_absolute_url()
    if outcome == RatingOutcome.MASH:
        for manager in users_with_role(Role.MASH_MANAGER):
            notify(
                user=manager,
                title=f"{Rag(rag).label} contact {contact.reference} for the MASH",
                url=url,
                email=rag == Rag.RED,
            )
    elif outcome == RatingOutcome.SOCIAL_WORK_REFERRAL:
        referral = Referral(
            contact=contact,
            team=team,
            assessment_type=assessment_type,
            reason=rationale,
            created_by=by,
            created_at=now,
        )
        save_audited(referral, user=by, reason=f"Contact and Referral record to {team}")
        # Each child referred starts a CIN census episode, with the need given at this decision.
        cin.episodes_open(referral=referral, by=by, primary_need=primary_need)
        for manager in users_with_role(Role.TEAM_MANAGER, team=team):
            notify(
                user=manager,
                title=f"Referral {contact.reference} to {team.name}",
                body="A contact has been referred to your team for assessment.",
                url=url,
            )
    elif outcome == RatingOutcome.EARLY_HELP:
        for manager in users_with_role(Role.EARLY_HELP_DUTY_MANAGER):
            notify(user=manager, title=f"Green contact {contact.reference} for early help", url=url)
    return Routed(contact=contact, referral=referral)


@transaction.atomic
def referral_withdraw(
    *, referral: Referral, by: User, reason: str, at: dt.datetime, email_to: str
) -> Referral:
    """Withdraw a referral whose decision was changed (mash.reopen moves the contact back):
    record who, when and why, and tell the team's managers in the service and its duty address
    (`email_to`) by an email that names no child. The caller moves the contact and checks that
    nothing the team has recorded makes the withdrawal unsafe."""
    if not by.has_perm("mash.resolve_disagreement"):
        # Only a MASH manager changing the decision withdraws a referral (as lifecycle.MOVES).
        raise PermissionDenied(f"{by} may not withdraw a referral")
    referral = (
        Referral.objects.select_for_update().select_related("contact", "team").get(pk=referral.pk)
    )
    if referral.is_withdrawn:
        raise ValidationError("This referral has already been withdrawn.")
    referral.withdrawn_at, referral.withdrawn_by, referral.withdrawal_reason = at, by, reason
    team, contact = referral.team, referral.contact
    save_audited(referral, user=by, reason=f"Referral to {team} withdrawn: {reason}")
    title = f"Referral {contact.reference} to {team.name} withdrawn"
    for manager in users_with_role(Role.TEAM_MANAGER, team=team):
        # No link: the contact has left the team, which no longer reads it (ADR 0008). No free
        # text either: a notice not linked to the contact outlives the record's destruction.
        notify(
            user=manager,
            title=title,
            body="The decision that made it was changed: your team no longer holds this work.",
        )
    if email_to:
        made = timezone.localtime(referral.created_at)
        lines = [
            f"The referral of contact {contact.reference} to {team.name}, made on "
            f"{made:%d/%m/%Y} at {made:%H:%M}, has been withdrawn.",
            "",
            "The decision that made it has been changed and is being taken again. Your team "
            "no longer holds this work and does not need to act on the referral.",
            "",
            "If you need to know more, contact the front door.",
            "",
            f"Open the {settings.SERVICE_NAME}: {absolute_url('/')}",
        ]
        # The outbox keeps the email until the mail server takes it (retried, never lost).
        email_queue(
            to=email_to,
            subject=f"Referral withdrawn: contact {contact.reference}, case {case_numbers(contact)}",
            body="\n".join(lines),
            purpose="referral_withdrawn",
            about=referral,
            forbidden_names=names_on(contact),
        )
    return referral
