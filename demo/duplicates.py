"""Search, merging and duplicate contacts in the demo (README: "Finding people, merging and
duplicate contacts"): a child with a double-barrelled surname and a known-as name, found by
"Smith" or by two characters of the postcode; two records of one boy for a manager to merge; and
the same incident reported by the police and a school within hours, flagged at screening."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from referrals import services
from referrals.models import ContactRole, ContactSource, Person, ReferralSource, Sex
from thresholds.models import CouncilProfile

REASON = "Demo data"
# A street and postcode in each council's own area.
ADDRESSES = {
    "havering": {"line_1": "14 Victoria Road", "town": "Romford", "postcode": "RM1 2JT"},
    "islington": {"line_1": "14 Caledonian Road", "town": "London", "postcode": "N1 9DX"},
}
CAMDEN = {"line_1": "14 Plender Street", "town": "London", "postcode": "NW1 0JT"}


def _person(by: User, address: dict, **data) -> Person:
    return services.person_create(by=by, reason=REASON, address=address, **data)


def _contact(
    *, by: User, child: Person, source: str, received_at: dt.datetime, referrer: dict, concerns: str
):
    contact = services.contact_start(by=by, source=source, received_at=received_at)
    services.contact_update_section(contact=contact, by=by, section="referrer", data=referrer)
    services.contact_update_section(
        contact=contact, by=by, section="concerns", data={"concerns": concerns}
    )
    services.contact_update_section(
        contact=contact,
        by=by,
        section="family",
        data={"family_aware": "yes", "family_agrees": "unknown"},
    )
    services.contact_link_person(contact=contact, person=child, by=by, role=ContactRole.CHILD)
    return contact


def _professional(name: str, source: str, organisation: str, role: str) -> dict:
    return {
        "referrer_is_professional": True,
        "referrer_name": name,
        "referral_source": source,
        "referrer_organisation": organisation,
        "referrer_role": role,
        "referrer_phone": "020 7946 0311",
    }


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> None:
    officer = staff["screening"]
    address = ADDRESSES.get(profile.code, CAMDEN)
    today = timezone.localdate()
    zara = _person(
        officer,
        address,
        first_name="Zara",
        last_name="Okafor-Smith",
        known_as="Zee",
        date_of_birth=today.replace(year=today.year - 9, day=1),
        sex=Sex.FEMALE,
        school_or_nursery="St Mary's Primary School",
    )
    # The same boy recorded twice: once by a school with his NHS number, once from a phone call
    # with his name misspelt and no NHS number. A manager merges them (Find a person, then the
    # record's "Merge with another record").
    born = today.replace(year=today.year - 7, month=2, day=11)
    kayden = _person(
        officer, address, first_name="Kayden", last_name="Brooks", date_of_birth=born,
        sex=Sex.MALE, school_or_nursery="St Mary's Primary School",
    )  # fmt: skip
    kaiden = _person(
        officer, address, first_name="Kaiden", last_name="Brookes", date_of_birth=born,
        sex=Sex.MALE, nhs_number=None, phone="07700 900418",
    )  # fmt: skip
    now = timezone.now()
    for child, hours_ago in ((kayden, 400), (kaiden, 200)):
        contact = _contact(
            by=officer,
            child=child,
            source=ContactSource.PHONE,
            received_at=now - dt.timedelta(hours=hours_ago),
            referrer=_professional(
                "Ruth Ellis", ReferralSource.SCHOOL, "St Mary's Primary School", "DSL"
            ),
            concerns=f"{child.first_name} has been coming to school hungry and tired.",
        )
        services.contact_submit(contact=contact, by=officer, profile=profile)
    # One incident, two reports a few hours apart: flagged "possible duplicate" at screening.
    for source, referrer, hours_ago, concerns in (
        (
            ContactSource.PHONE,
            _professional("PC Dan Moss", ReferralSource.POLICE, "Metropolitan Police", "PC"),
            9,
            "Police called to a domestic incident at Zara's home last night; Zara was present.",
        ),
        (
            ContactSource.PHONE,
            _professional("Ruth Ellis", ReferralSource.SCHOOL, "St Mary's Primary School", "DSL"),
            2,
            "Zara told her teacher that the police came to her house last night after shouting.",
        ),
    ):
        contact = _contact(
            by=officer,
            child=zara,
            source=source,
            received_at=now - dt.timedelta(hours=hours_ago),
            referrer=referrer,
            concerns=concerns,
        )
        services.contact_submit(contact=contact, by=officer, profile=profile)
