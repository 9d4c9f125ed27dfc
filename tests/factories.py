"""factory-boy factories. Domain rows are made through the same services production uses."""

import datetime as dt

import factory
from django.utils import timezone
from faker import Faker
from nhs_number import generate

from accounts import services as account_services
from accounts.models import AgencyKind, TeamKind, User
from accounts.roles import Role
from referrals import services
from referrals.models import ContactSource, Person, Service

fake = Faker("en_GB")


class TeamFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.SOCIAL_WORK
    # A MASH referral to a team with no duty address needs a handover (mash.enquiries).
    duty_email = factory.Sequence(lambda n: f"team-{n}-duty@example.org")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_services.team_create(by=None, reason="Test team", **kwargs)


class AgencyFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.POLICE

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_services.agency_create(by=None, reason="Test agency", **kwargs)


class UserFactory(factory.Factory):
    class Meta:
        model = dict

    username = factory.Sequence(lambda n: f"user{n}")
    password = "correct-horse-battery"
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    roles: list[Role] = []
    team = None
    agency = None

    @classmethod
    def _create(cls, model_class, **kwargs) -> User:
        return account_services.user_create(by=None, reason="Test user", **kwargs)


def nhs_number() -> str:
    return generate(quantity=1)[0]


class PersonFactory(factory.Factory):
    """A person made through person_create by an administrator-like author."""

    class Meta:
        model = dict

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(
        lambda: fake.date_between(start_date="-17y", end_date="-1y")
    )
    nhs_number = factory.LazyFunction(nhs_number)
    by = None

    @classmethod
    def _create(cls, model_class, by=None, **kwargs) -> Person:
        author = by or UserFactory(roles=[Role.SCREENING_OFFICER])
        return services.person_create(by=author, reason="Test person", **kwargs)


def open_involvement(
    person: Person, *, service=Service.SOCIAL_CARE, team=None, worker=None, opened_on=None
):
    return services.involvement_open(
        person=person,
        service=service,
        team=team,
        allocated_worker=worker,
        opened_on=opened_on or timezone.localdate() - dt.timedelta(days=200),
        by=None,
        reason="Test involvement",
    )


def closed_involvement(
    person: Person, *, closed_on: dt.date, service=Service.SOCIAL_CARE, team=None
):
    inv = open_involvement(
        person, service=service, team=team, opened_on=closed_on - dt.timedelta(days=120)
    )
    return services.involvement_close(
        involvement=inv, closed_on=closed_on, closure_reason="Test closure", by=None
    )


def complete_contact(
    *, by: User, children: list[Person], received_at=None, source=ContactSource.PHONE, **fields
):
    """A draft contact with every required answer given (not yet submitted)."""
    contact = services.contact_start(
        by=by, source=source, received_at=received_at or timezone.now()
    )
    services.contact_update_section(
        contact=contact,
        by=by,
        section="referrer",
        data={
            "referrer_is_professional": True,
            "referrer_name": "Pat Example",
            "referral_source": "2A",
            "referrer_organisation": "Example Primary School",
            "referrer_role": "Designated safeguarding lead",
            "referrer_phone": "020 7946 0000",
        },
    )
    services.contact_update_section(
        contact=contact,
        by=by,
        section="concerns",
        data={"concerns": fields.pop("concerns", "Child arrived with bruising.")},
    )
    services.contact_update_section(
        contact=contact,
        by=by,
        section="family",
        data={"family_aware": "yes", "family_agrees": "yes"},
    )
    for child in children:
        services.contact_link_person(contact=contact, person=child, by=by, role="child")
    return contact


def contact_with_mash(
    *,
    officer: User,
    senior: User,
    profile,
    rag: str = "red",
    cp_concerns: bool = True,
    children: list[Person] | None = None,
    **fields,
):
    """A contact rated and routed to the MASH manager (status WITH_MASH), as production does it.

    Green or amber without CP concerns reach the MASH only when a rule forces it, so give
    such contacts a child open to early help (step-up screening)."""
    from referrals import rating

    contact = complete_contact(by=officer, children=children or [PersonFactory()], **fields)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag=rag,
        level=4 if rag == "red" else 3,
        cp_concerns=cp_concerns,
        rationale="Test rating",
        outcome="mash",
    )
    contact.refresh_from_db()
    return contact


def agency_user(agency, **kwargs) -> User:
    """A partner agency's designated professional."""
    return UserFactory(roles=[Role.PARTNER_AGENCY_USER], agency=agency, **kwargs)


def partner_requests(
    *,
    profile,
    officer,
    senior,
    manager,
    worker,
    question="What do you hold on this family?",
    **contact_fields,
):
    """A MASH enquiry with consent overridden and checks requested from the profile's
    always-asked agencies; returns the requests by agency kind."""
    from mash import enquiries

    contact = contact_with_mash(officer=officer, senior=senior, profile=profile, **contact_fields)
    enquiry = enquiries.enquiry_open(contact=contact, by=manager, profile=profile, worker=worker)
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    made = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=worker,
        profile=profile,
        agencies=enquiries.default_agencies(profile),
        question=question,
    )
    return {r.agency.kind: r for r in made}


def green_contact(
    *,
    officer: User,
    senior: User,
    profile,
    children: list[Person] | None = None,
    rated_at=None,
    referrer: dict | None = None,
    **fields,
):
    """A green contact with the family's consent, rated and routed to the early help duty
    manager (status WITH_EARLY_HELP), as production does it."""
    from referrals import rating

    contact = complete_contact(by=officer, children=children or [PersonFactory()], **fields)
    if referrer:
        services.contact_update_section(
            contact=contact, by=officer, section="referrer", data=referrer
        )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="green",
        level=2,
        cp_concerns=False,
        rationale="Low-level needs: two level 2 indicators.",
        outcome="early_help",
        now=rated_at,
    )
    contact.refresh_from_db()
    return contact


def family_work_case(*, contact, manager: User, worker: User, profile):
    """A family work case opened by the duty manager's brief-assessment decision."""
    from early_help import services as early_help

    early_help.early_help_decide(
        contact=contact,
        by=manager,
        profile=profile,
        outcome="brief_assessment",
        rationale="Needs a brief early help assessment.",
        worker=worker,
    )
    return contact.family_work_cases.get()


PROFESSIONAL_REFERRER = {
    "referrer_is_professional": True,
    "referrer_name": "Pat Example",
    "referral_source": "2A",
    "referrer_organisation": "Example Primary School",
    "referrer_role": "Designated safeguarding lead",
    "referrer_email": "pat.example@school.example.org",
}
PUBLIC_REFERRER = {
    "referrer_is_professional": False,
    "referrer_name": "Sam Neighbour",
    "referral_source": "1B",
    "referrer_organisation": "",
    "referrer_role": "",
    "referrer_relationship": "Neighbour",
    "referrer_email": "sam.neighbour@example.org",
}


def contact_with_referrer(
    *,
    officer: User,
    senior: User,
    profile,
    referrer: dict,
    team=None,
    children: list[Person] | None = None,
):
    """A contact from this referrer, rated amber and referred to `team` (or, with no team,
    rated red and routed to the MASH), as production does it."""
    from referrals import rating

    contact = complete_contact(by=officer, children=children or [PersonFactory()])
    services.contact_update_section(contact=contact, by=officer, section="referrer", data=referrer)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="amber" if team else "red",
        level=3 if team else 4,
        cp_concerns=not team,
        rationale="Test rating",
        outcome="social_work_referral" if team else "mash",
        team=team,
        assessment_type="cfa" if team else "",
    )
    contact.refresh_from_db()
    return contact


def contacts_passed_to(worker, *, team, by, profile, count):
    """`count` contacts, each about a child open to `team` with `worker` allocated, submitted and
    screened by `by`: screening passes each to the worker (their tray)."""
    passed = []
    for _ in range(count):
        child = PersonFactory()
        open_involvement(child, team=team, worker=worker)
        contact = complete_contact(by=by, children=[child])
        services.contact_submit(contact=contact, by=by, profile=profile)
        services.contact_screen(contact=contact, by=by, profile=profile, rationale="")
        passed.append(contact)
    return passed
