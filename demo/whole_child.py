"""Demo data for seeing the whole child (issue 12): a chronology-rich child, a child with
repeat contacts who is known though never open to a service, and warnings on a person.

Called by `manage.py seed_demo` after the MASH demo, through the services the pages use:
- the child of the MASH enquiry decided with a referral on has a long chronology (contact,
  ratings, enquiry, consent, partner checks and answers, decision, referral, what was passed
  on); an agreed staff-safety warning on an adult on that contact shows on the contact, the
  enquiry, the queues and the partners' requests;
- Jordan Repeat has three contacts in five months and no involvement: the person page says
  so, instead of "Not known";
- a second warning waits for a manager's agreement on the MASH manager's work tray.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from mash.models import Enquiry, EnquiryStatus
from referrals import services
from referrals.models import ContactRole, ContactSource, Person
from referrals.person_warnings import services as warnings
from thresholds.models import CouncilProfile

REASON = "Demo data"


def _log(
    *, by: User, profile: CouncilProfile, people: list[tuple[Person, str]], when, concerns: str,
    information_only: bool = False,
):  # fmt: skip
    """A phone contact from a school about these people, logged and submitted."""
    contact = services.contact_start(by=by, source=ContactSource.PHONE, received_at=when)
    sections = {
        "details": {"information_only": information_only},
        "referrer": {
            "referrer_is_professional": True,
            "referrer_name": "Pat Morgan",
            "referral_source": "2A",
            "referrer_organisation": "Hillside Primary School",
            "referrer_role": "Designated safeguarding lead",
            "referrer_phone": "020 7946 0123",
        },
        "concerns": {"concerns": concerns},
        "family": {"family_aware": "yes", "family_agrees": "yes"},
    }
    for section, data in sections.items():
        services.contact_update_section(contact=contact, by=by, section=section, data=data)
    for person, role in people:
        services.contact_link_person(contact=contact, person=person, by=by, role=role)
    services.contact_submit(contact=contact, by=by, profile=profile)
    return contact


def _repeat_child(*, staff: dict[str, User], profile: CouncilProfile) -> Person:
    officer = staff["screening"]
    child = services.person_create(
        by=officer,
        reason=REASON,
        first_name="Jordan",
        last_name="Repeat",
        date_of_birth=timezone.localdate() - dt.timedelta(days=9 * 365 + 40),
        address={"line_1": "14 Orchard Row", "town": "London", "postcode": "N7 0AB"},
    )
    now = timezone.now()
    for days_ago, concerns, information_only in (
        (150, "Jordan's mother asked where to find help with Jordan's behaviour at home.", True),
        (60, "Jordan came to school hungry and without a coat twice this week.", True),
        (2, "Jordan said an adult at home hit him; a red mark on his arm.", False),
    ):
        contact = _log(
            by=officer,
            profile=profile,
            people=[(child, ContactRole.CHILD)],
            when=now - dt.timedelta(days=days_ago, hours=3),
            concerns=concerns,
            information_only=information_only,
        )
        if information_only:
            services.contact_screen(
                contact=contact,
                by=officer,
                profile=profile,
                rationale="Information and signposting only.",
                signposting="Family support line and the school nurse.",
            )
    return child


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> None:
    _repeat_child(staff=staff, profile=profile)
    enquiry = (
        Enquiry.objects.filter(status=EnquiryStatus.DECIDED)
        .select_related("contact")
        .order_by("decided_at", "pk")
        .first()
    )
    if enquiry is None:
        return
    links = list(enquiry.contact.contact_people.select_related("person").order_by("pk"))
    children = [link.person for link in links if link.role == ContactRole.CHILD]
    adults = [link.person for link in links if link.role != ContactRole.CHILD]
    if not children:
        return
    review = timezone.localdate() + dt.timedelta(days=90)
    subject = adults[-1] if adults else children[0]
    agreed = warnings.warning_propose(
        person=subject,
        by=staff["mashworker"],
        kind="staff_safety",
        reason="Threatened the allocated social worker with a knife during a home visit; "
        "police were called (police answer to the MASH checks).",
        partner_summary="Do not visit alone: visit in pairs and tell the MASH before you go.",
        review_on=review,
    )
    warnings.warning_agree(
        warning=agreed,
        by=staff["mashmanager"],
        partner_summary=agreed.partner_summary,
        review_on=review,
    )
    warnings.warning_propose(
        person=children[0],
        by=staff["senior"],
        kind="risk_to_others",
        reason="Hit a younger sibling with a bat last month (school and mother report).",
        review_on=timezone.localdate() + dt.timedelta(days=60),
    )
