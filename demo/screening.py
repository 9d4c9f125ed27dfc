"""Demo of the front door's issue 12 screening work, through the services production uses:

- an urgent contact waiting to be screened, its receipt clock ticking, at the top of the queue;
- a police MERLIN waiting for screening, its police RAG in the queue and its details on the
  contact (the incident, the officer, the background checks on the adult);
- a contact corrected by the senior practitioner, with the reason and what changed;
- a 16-year-old rated green whom the early help duty manager stepped up to the MASH;
- management oversight recorded on one contact in the team manager's team, and another
  about a child with an allocated social worker still showing "oversight needed".
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from referrals import corrections, oversight, rating
from referrals import services as referral_services
from referrals.merlin import services as merlin
from referrals.models import (
    Contact,
    ContactRole,
    ContactSource,
    ContactStatus,
    Person,
    Service,
)
from thresholds.models import CouncilProfile

REASON = "Demo data"


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> None:
    _urgent_contact(staff, profile)
    _merlin_waiting(staff, profile)
    _correction(staff)
    _step_up(staff, profile)
    _oversight(staff, profile)


def _person(by: User, first: str, last: str, born: dt.date) -> Person:
    return referral_services.person_create(
        by=by,
        reason=REASON,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        sex="F",
        address={"line_1": "14 Ferndale Court", "postcode": "NW5 2QT"},
    )


def _logged(
    by: User,
    profile: CouncilProfile,
    child: Person,
    *,
    concerns: str,
    hours_ago: int,
    urgent: str = "",
    referrer: dict | None = None,
) -> Contact:
    """A phone contact logged and submitted: its receipt clock runs from `hours_ago`."""
    contact = referral_services.contact_start(
        by=by,
        source=ContactSource.PHONE,
        received_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )
    sections = {
        "details": {"urgent": bool(urgent), "urgent_reason": urgent},
        "referrer": referrer
        or {
            "referrer_is_professional": True,
            "referrer_name": "Ruth Adebayo",
            "referral_source": "2A",
            "referrer_organisation": "Kentish Town Academy",
            "referrer_role": "Designated safeguarding lead",
            "referrer_phone": "020 7946 0123",
        },
        "concerns": {"concerns": concerns},
        "family": {"family_aware": "yes", "family_agrees": "yes"},
    }
    for section, data in sections.items():
        referral_services.contact_update_section(contact=contact, by=by, section=section, data=data)
    referral_services.contact_link_person(
        contact=contact, person=child, by=by, role=ContactRole.CHILD
    )
    referral_services.contact_submit(contact=contact, by=by, profile=profile)
    contact.refresh_from_db()
    return contact


def _urgent_contact(staff: dict[str, User], profile: CouncilProfile) -> None:
    by = staff["screening"]
    child = _person(by, "Leah", "Marsden", dt.date(2014, 9, 3))
    _logged(
        by,
        profile,
        child,
        concerns="Leah told her teacher that mum's partner hit her last night and that she "
        "is frightened to go home after school.",
        hours_ago=2,
        urgent="Leah says she is frightened to go home at 15:30 today.",
    )


def _merlin_waiting(staff: dict[str, User], profile: CouncilProfile) -> None:
    police = staff.get("police")
    if police is None:
        return
    now = timezone.now()
    merlin.merlin_submit(
        by=police,
        profile=profile,
        data=merlin.ReportData(
            reference=f"PAC {now:%y}/424242",
            police_rag="amber",
            incident_at=now - dt.timedelta(hours=9),
            category="domestic_abuse",
            safeguarding_concerns=True,
            summary="Police called at 23:10 to a verbal argument between the parents; two "
            "children asleep upstairs, not injured. Father left the address.",
            decision_maker_name="Karen Doyle",
            decision_maker_rank="DS",
            signed_off=True,
            subjects=[
                merlin.SubjectData(
                    is_child=True,
                    first_name="Noah",
                    last_name="Pemberton",
                    date_of_birth=dt.date(2018, 5, 14),
                    address_line_1="3 Quarry Road",
                    postcode="NW1 8AB",
                ),
                merlin.SubjectData(
                    is_child=False,
                    first_name="Gary",
                    last_name="Pemberton",
                    date_of_birth=dt.date(1986, 2, 2),
                    address_line_1="3 Quarry Road",
                    postcode="NW1 8AB",
                    background_checks="PNC: one caution for common assault (2021). Two "
                    "domestic incidents recorded at the address in 2025.",
                ),
            ],
        ),
    )


def _correction(staff: dict[str, User]) -> None:
    contact = (
        Contact.objects.filter(status=ContactStatus.AWAITING_RATING)
        .exclude(source=ContactSource.POLICE_MERLIN)
        .order_by("received_at")
        .first()
    )
    if contact is None:
        return
    corrections.contact_correct(
        contact=contact,
        by=staff["senior"],
        section="family",
        data={
            "family_aware": "yes",
            "family_agrees": "yes",
            "family_agreement_details": "Mum agreed on the phone to the referrer this morning.",
        },
        reason="The referrer rang back: mum was told and agrees. Logged before that call.",
    )


def _step_up(staff: dict[str, User], profile: CouncilProfile) -> None:
    from early_help import services as early_help

    by, senior = staff["screening"], staff["senior"]
    child = _person(by, "Kayla", "Brennan", dt.date(2010, 3, 12))
    contact = _logged(
        by,
        profile,
        child,
        concerns="Kayla is arguing with mum and asked the youth club about moving out. "
        "She would like some support.",
        hours_ago=30,
        referrer={
            "referrer_is_professional": True,
            "referrer_name": "Dev Mistry",
            "referral_source": "8",
            "referrer_organisation": "Highgate Youth Club",
            "referrer_role": "Youth worker",
            "referrer_phone": "020 7946 0456",
        },
    )
    route = referral_services.contact_screen(
        contact=contact, by=by, profile=profile, rationale="Not known: for rating."
    )
    if route.status != ContactStatus.AWAITING_RATING:
        return
    if rating.route_for(
        contact, profile=profile, rag="green", cp_concerns=False, chosen="early_help"
    ).forced:
        return
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="green",
        level=2,
        cp_concerns=False,
        rationale="Family conflict; Kayla wants support. Early help.",
        outcome="early_help",
    )
    early_help.early_help_step_up_to_mash(
        contact=contact,
        by=staff["ehmanager"],
        profile=profile,
        rag="red",
        reason="I rang Kayla: mum told her to leave this afternoon and she has nowhere to stay "
        "tonight. A young person facing homelessness tonight needs the MASH, not early help.",
    )


def _oversight(staff: dict[str, User], profile: CouncilProfile) -> None:
    """Two new contacts about children allocated to a social worker in the team manager's
    team: the manager has recorded oversight of the first; the second still needs it."""
    manager, worker = staff["teammanager"], staff["socialworker1"]
    by = staff["screening"]
    contacts = []
    for first, born, concerns in (
        (
            "Jayden",
            dt.date(2015, 1, 20),
            "School: Jayden has missed eleven days this half term and mum is not answering.",
        ),
        (
            "Ellie",
            dt.date(2019, 6, 8),
            "Health visitor: Ellie's weight has dropped again and the family missed two clinics.",
        ),
    ):
        child = _person(by, first, "Achterberg", born)
        referral_services.involvement_open(
            person=child,
            service=Service.SOCIAL_CARE,
            team=worker.team,
            allocated_worker=worker,
            opened_on=timezone.localdate() - dt.timedelta(days=90),
            by=None,
            reason=REASON,
        )
        contact = _logged(by, profile, child, concerns=concerns, hours_ago=6)
        referral_services.contact_screen(
            contact=contact, by=by, profile=profile, rationale="Open to social care."
        )
        contacts.append(contact)
    contact = contacts[0]
    contact.refresh_from_db()
    today = timezone.localdate()
    oversight.oversight_record(
        contact=contact,
        by=manager,
        note="Reviewed with the allocated worker in supervision. The attendance worry fits the "
        "current plan but needs following up this week.",
        actions=[
            oversight.ActionData(
                action="Visit and see Jayden alone; update the plan",
                owner=worker,
                due_on=today + dt.timedelta(days=3),
            ),
            oversight.ActionData(
                action="Ask the school for the attendance record since September",
                owner=worker,
                due_on=today + dt.timedelta(days=5),
            ),
        ],
    )
