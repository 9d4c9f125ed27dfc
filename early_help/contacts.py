"""Helpers early help's services share, and contacts early help and social work raise themselves."""

import datetime as dt
from typing import Any

from accounts.audit import save_audited
from accounts.models import Team, TeamKind, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from referrals import lifecycle
from referrals import services as referral_services
from referrals.models import (
    SOURCE_DEFAULT_REFERRAL_SOURCE,
    Contact,
    ContactPerson,
    ContactRole,
    ContactSource,
    Person,
)
from referrals.rating import profile_team
from thresholds.models import CouncilProfile


def children_of(contact: Contact) -> list[Person]:
    return [
        link.person
        for link in contact.contact_people.filter(role=ContactRole.CHILD).select_related("person")
    ]


def duty_managers() -> list[User]:
    return list(users_with_role(Role.EARLY_HELP_DUTY_MANAGER))


def front_door(profile: CouncilProfile) -> Team | None:
    return profile_team(profile, TeamKind.EARLY_HELP_TRIAGE)


def new_contact(
    *,
    source: ContactSource,
    by: User,
    profile: CouncilProfile,
    organisation: str,
    concerns: str,
    people: list[tuple[Person, dict[str, Any]]],
    family_aware: str,
    family_agrees: str,
    family_agreement_details: str,
    now: dt.datetime,
) -> Contact:
    """Log and submit a contact on a worker's behalf, through the referrals submission rules."""
    contact = Contact(
        # The front door's own numbering, so these contacts sit in the same sequence.
        reference=referral_services.contact_reference(),
        source=source,
        received_at=now,
        referral_source=SOURCE_DEFAULT_REFERRAL_SOURCE[source],
        referrer_name=by.get_full_name() or by.username,
        referrer_is_professional=True,
        referrer_organisation=organisation,
        referrer_role=by.job_title,
        referrer_email=by.email,
        # A colleague's team is where to reach them when they have no email address.
        referrer_address="" if by.email else organisation,
        concerns=concerns,
        family_aware=family_aware,
        family_agrees=family_agrees,
        family_agreement_details=family_agreement_details,
        created_by=by,
    )
    save_audited(contact, user=by, reason=f"{ContactSource(source).label} raised by {organisation}")
    for person, link in people:
        save_audited(
            ContactPerson(contact=contact, person=person, **link),
            user=by,
            reason=f"Linked {person.case_number}",
        )
    # The author can read and correct what they sent, as a screening officer's contact allows.
    lifecycle.contact_share(contact, by, access=lifecycle.Access.WRITE)
    return referral_services.contact_submit(contact=contact, by=by, profile=profile)
