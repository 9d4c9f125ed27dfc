"""Demo MASH enquiries at every step, made through the same services the pages use.

Called by `manage.py seed_demo` after the contacts are logged. The contacts with the MASH are
taken oldest first: one is left for the manager to open, and the others become enquiries
waiting for consent, waiting for partner agencies, analysed and waiting for a decision, and
decided with a referral on (one agency having refused to share its answer onward).
"""

import datetime as dt

from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import save_audited
from accounts.models import AgencyKind, Team, TeamKind, User
from mash import disagreements, enquiries, strategy
from referrals.models import AssessmentType, Contact, ContactStatus
from referrals.rating import profile_team
from thresholds.models import CouncilProfile

QUESTION = (
    "Please check your records for the children and adults named and tell us what you hold, "
    "what it means for the children's safety and whether it may be shared."
)
ANSWERS = {
    AgencyKind.POLICE: (
        "Three domestic abuse call-outs to the address since March; the last, two weeks ago, "
        "led to an arrest for common assault. No charge yet.",
        "Escalating frequency of incidents with children present.",
        True,
    ),
    AgencyKind.HEALTH: (
        "Health visitor: missed the last two development checks. Mother disclosed low mood "
        "at the 8-week check and is on a waiting list for talking therapy.",
        "Mother's mental health may affect her capacity to protect.",
        # Health's answer is the one the demo keeps back from the receiving team.
        False,
    ),
    AgencyKind.EDUCATION: (
        "Attendance 78% this term; arrived hungry twice in the last month. "
        "Designated safeguarding lead has logged two concerns.",
        "Signs of neglect alongside the reported incidents.",
        True,
    ),
    AgencyKind.DOMESTIC_ABUSE: (
        "Mother was referred to the IDVA service last year after an assault; she did not engage "
        "and the case closed. A risk assessment then scored her at high risk.",
        "Known high-risk domestic abuse that was not addressed.",
        True,
    ),
    AgencyKind.PROBATION: (
        "No current involvement with either adult named.",
        "Nothing known that adds to the risk.",
        True,
    ),
}


def _answer(request, partners: dict[str, User]) -> None:
    user = partners.get(request.agency.kind)
    text = ANSWERS.get(request.agency.kind)
    if user is None or text is None or user.agency_id != request.agency_id:
        return
    held, analysis, share = text
    draft = enquiries.answer_save_draft(
        request=request,
        by=user,
        information_held=held,
        analysis=analysis,
        share_with_receiving_service=share,
        share_with_family=False,
    )
    enquiries.answer_submit(answer=draft, by=user)


def _duty_addresses(profile: CouncilProfile, by: User) -> None:
    """Give the demo council's social work teams a duty email address, as a council would set
    up; its disabled children's team is left without one, so a MASH referral to it shows the
    manager being asked for a team manager's address or a recorded handover."""
    for team in Team.objects.filter(profile=profile, kind=TeamKind.SOCIAL_WORK, duty_email=""):
        team.duty_email = f"{slugify(team.name)}-duty@example.org"
        save_audited(team, user=by, reason="Demo: duty email address for MASH referrals")


def _fresh(team: Team | None) -> Team | None:
    """The team as it is now (its duty address was set after the staff were loaded)."""
    return Team.objects.get(pk=team.pk) if team is not None else None


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> None:
    """Turn the demo's contacts with the MASH into enquiries at different steps."""
    manager, worker = staff["mashmanager"], staff["mashworker"]
    _duty_addresses(profile, staff["admin"])
    partners = {u.agency.kind: u for u in staff.values() if u.agency_id is not None}
    contacts = list(
        Contact.objects.filter(status=ContactStatus.WITH_MASH).order_by("received_at", "pk")
    )
    # The oldest stays unopened; the newest ones progress furthest.
    first = decided = None
    for step, contact in enumerate(contacts[1:5], start=1):
        enquiry = enquiries.enquiry_open(
            contact=contact, by=manager, profile=profile, worker=worker
        )
        if step == 1:
            first = enquiry  # its checks are asked last (below)
            continue
        enquiries.enquiry_record_consent(
            enquiry=enquiry,
            by=manager,
            outcome="not_sought",
            ground="risk_of_harm_or_prejudice_investigation",
            rationale="Alerting the alleged perpetrator could put the children at further risk "
            "and prejudice the police investigation.",
        )
        requests = enquiries.enquiry_request_checks(
            enquiry=enquiry,
            by=worker,
            profile=profile,
            agencies=enquiries.default_agencies(profile),
            question=QUESTION,
        )
        if step == 2:
            _answer(next(r for r in requests if r.agency.kind == AgencyKind.HEALTH), partners)
            continue  # waiting for the other agencies
        for request in requests:
            _answer(request, partners)
        enquiry.refresh_from_db()
        enquiry = enquiries.enquiry_record_analysis(
            enquiry=enquiry,
            by=worker,
            version=enquiry.version,
            summary="Police, health and education all hold information about this family.",
            analysis="Repeated domestic abuse with the children present, signs of neglect at "
            "school and a mother whose low mood affects her capacity to protect.",
            recommended_level=4,
            recommended_action="Refer to the social work team for a Child and Family Assessment.",
        )
        if step == 3:
            continue  # waiting for the manager's decision
        enquiries.enquiry_decide(
            enquiry=enquiry,
            by=manager,
            version=enquiry.version,
            profile=profile,
            final_rag="red",
            final_rationale="Cumulative risk of significant harm from domestic abuse and neglect.",
            next_step="social_work_referral",
            # The demo team manager's team, so that login sees what was passed on.
            team=_fresh(staff["teammanager"].team) or profile_team(profile, TeamKind.SOCIAL_WORK),
            assessment_type=AssessmentType.CHILD_AND_FAMILY,
        )
        decided = enquiry
    if first is not None:
        _urgent_checks(first, manager=manager, worker=worker, profile=profile)
    if decided is not None:
        _after_the_decision(decided, staff=staff, partners=partners, profile=profile)


def _urgent_checks(enquiry, *, manager: User, worker: User, profile: CouncilProfile) -> None:
    """The first enquiry's checks are asked last, so each partner inbox shows it by urgency:
    a red request due in 4 hours above an amber one asked earlier and due in 24 hours."""
    contact = enquiry.contact
    if enquiries.consent_may_be_set_aside(contact):
        enquiries.enquiry_record_consent(
            enquiry=enquiry,
            by=manager,
            outcome="not_sought",
            ground="immediate_danger",
            rationale="The children may be at immediate risk tonight: checks cannot wait.",
        )
    else:
        enquiries.enquiry_record_consent(enquiry=enquiry, by=worker, outcome="sought_given")
    enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=worker,
        profile=profile,
        agencies=enquiries.default_agencies(profile),
        question=QUESTION,
    )


def _after_the_decision(
    enquiry, *, staff: dict[str, User], partners: dict[str, User], profile: CouncilProfile
) -> None:
    """The decided enquiry's strategy discussion, and the police's disagreement with the
    decision, escalated to the MASH manager and still open."""
    manager = staff["mashmanager"]
    now = timezone.now()
    strategy.strategy_discussion_record(
        enquiry=enquiry,
        by=manager,
        held_at=now - dt.timedelta(minutes=30),
        attendees=[
            strategy.Attendee("Children's social care (MASH)", str(manager), "MASH manager"),
            strategy.Attendee("Police (CAIT)", "DS Priya Nair", "Detective sergeant"),
            strategy.Attendee("Health", "Joan Reilly", "Named nurse for safeguarding"),
            strategy.Attendee("Education", "Tom Hale", "Designated safeguarding lead"),
        ],
        decision="The threshold for section 47 enquiries is met: repeated domestic abuse with "
        "the children present and signs of neglect. The police will interview the mother.",
        section_47=True,
        actions=[
            strategy.Action(
                "Joint visit to the children at home", "Allocated social worker", now.date()
            ),
            strategy.Action(
                "Police interview of the mother",
                "DS Priya Nair",
                now.date() + dt.timedelta(days=1),
            ),
            strategy.Action(
                "Check school attendance and share concerns",
                "Tom Hale",
                now.date() + dt.timedelta(days=2),
            ),
        ],
    )
    police = partners.get(AgencyKind.POLICE)
    request = enquiry.requests.filter(agency__kind=AgencyKind.POLICE).first()
    if police is None or request is None or police.agency_id != request.agency_id:
        return
    disagreements.disagreement_raise_by_partner(
        request=request,
        by=police,
        profile=profile,
        reasons="The police consider this needs a section 47 enquiry now, not a Child and "
        "Family Assessment: the last incident led to an arrest for assault.",
    )
