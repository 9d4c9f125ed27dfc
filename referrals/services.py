"""State changes at the front door: logging, matching, linking and screening contacts."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.audit import delete_audited, save_audited
from accounts.models import Team, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from accounts.services import notify
from core.templatetags.govuk import govuk_date
from core.text import lower_in_sentence
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from . import duplicates, lifecycle, selectors
from .access import require_contact, require_person
from .cin import clean_person_cin
from .matching import person_keys
from .models import (
    SOURCE_DEFAULT_REFERRAL_SOURCE,
    Address,
    Contact,
    ContactPerson,
    ContactRole,
    ContactSource,
    ContactStatus,
    Household,
    HouseholdMember,
    Involvement,
    NumberSequence,
    Person,
    PersonRelationship,
    ReferralSource,
    Service,
)
from .search import refresh_search_keys


def _next_number(name: str) -> int:
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(name=name)
    NumberSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    seq.refresh_from_db()
    return seq.last_value


def _lock(contact: Contact) -> Contact:
    """The contact re-read and locked: a service checks the state it is about to change on this
    row, never on the copy a view loaded (which a concurrent move may have left behind)."""
    Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk").get()
    contact.refresh_from_db()
    return contact


# People --------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "nhs_number",
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "religion",
    "communication_needs",
    "special_needs",
    "school_or_nursery",
    "phone",
    "email",
    "upn",
    "upn_unknown",
    "disabilities",
)
ADDRESS_FIELDS = ("line_1", "line_2", "town", "postcode")


def _apply_address(
    person: Person, address: dict[str, str] | None, *, by: User, reason: str
) -> None:
    if address is None:
        return
    if not address.get("line_1"):
        person.address = None
        return
    current = person.address or Address()
    for name in ADDRESS_FIELDS:
        setattr(current, name, (address.get(name) or "").strip())
    current.postcode = current.postcode.upper()
    save_audited(current, user=by, reason=reason)
    person.address = current


def _set_keys(person: Person) -> None:
    for name, value in person_keys(person.first_name, person.last_name).items():
        setattr(person, name, value)


@transaction.atomic
def person_create(
    *, by: User, reason: str, address: dict[str, str] | None = None, **data: Any
) -> Person:
    """Create a person record with a new case number."""
    require_person(by, "add_person")
    return person_create_for_report(by=by, reason=reason, address=address, **data)


def person_create_for_report(
    *, by: User, reason: str, address: dict[str, str] | None = None, **data: Any
) -> Person:
    """Create a person named in a report whose service has already authorised its author (a
    police MERLIN's subjects): that service's check stands in for `add_person`."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person(**data)
    person.nhs_number = person.nhs_number or None
    person.case_number = f"P{_next_number('person'):07d}"
    _set_keys(person)
    _apply_address(person, address, by=by, reason=reason)
    clean_person_cin(person)
    person.full_clean()
    save_audited(person, user=by, reason=reason)
    refresh_search_keys(person)
    return person


STALE = "stale"  # the code of the ValidationError a save over a newer version raises


@transaction.atomic
def person_update(
    *,
    person: Person,
    by: User,
    reason: str,
    address: dict[str, str] | None = None,
    version: int | None = None,
    **data: Any,
) -> Person:
    """Change a person's details; given the `version` the editor read, refuse a stale save."""
    require_person(by, "change_person", person)
    for name in data:
        if name not in PERSON_FIELDS:
            raise TypeError(f"Unknown person field: {name}")
    # Re-read under a row lock: two editors are serialised here, and the later one, holding
    # the version it read before the earlier save, is told rather than reverting that save.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if version is not None and locked.version != version:
        raise ValidationError(
            "These details were changed by someone else after you opened them.", code=STALE
        )
    for name, value in data.items():
        setattr(locked, name, value)
    locked.nhs_number = locked.nhs_number or None
    _set_keys(locked)
    _apply_address(locked, address, by=by, reason=reason)
    locked.version += 1
    clean_person_cin(locked)
    locked.full_clean()
    save_audited(locked, user=by, reason=reason)
    refresh_search_keys(locked)
    person.refresh_from_db()
    return person


@transaction.atomic
def involvement_open(
    *,
    person: Person,
    service: Service,
    team: Team | None,
    allocated_worker: User | None,
    opened_on: dt.date,
    by: User | None,
    reason: str,
) -> Involvement:
    """Record that a child's case is open to social care or early help."""
    inv = Involvement(
        person=person,
        service=service,
        team=team,
        allocated_worker=allocated_worker,
        opened_on=opened_on,
    )
    inv.full_clean()
    save_audited(inv, user=by, reason=reason)
    if allocated_worker is not None:
        assign_perm("referrals.view_person", allocated_worker, person)
    return inv


@transaction.atomic
def involvement_close(
    *, involvement: Involvement, closed_on: dt.date, closure_reason: str, by: User | None
) -> Involvement:
    """Close an open involvement."""
    involvement.closed_on = closed_on
    involvement.closure_reason = closure_reason
    involvement.full_clean()
    save_audited(involvement, user=by, reason=f"Case closed: {closure_reason}")
    return involvement


# Logging a contact ---------------------------------------------------------------------------

CONTACT_SECTIONS: dict[str, tuple[str, ...]] = {
    "details": (
        "source",
        "received_at",
        "information_only",
        "ecaf_safeguarding",
        "requesting_body",
        "urgent",
        "urgent_reason",
    ),
    "referrer": (
        "referrer_is_professional",
        "referrer_name",
        "referral_source",
        "referrer_organisation",
        "referrer_role",
        "referrer_relationship",
        "referrer_knowledge",
        "referrer_phone",
        "referrer_email",
        "referrer_address",
    ),
    "concerns": ("concerns", "alleged_perpetrator_details"),
    "family": ("family_aware", "family_agrees", "family_agreement_details"),
}


@transaction.atomic
def contact_reference() -> str:
    """The next contact reference in the front door's one sequence (C0000042)."""
    return f"C{_next_number('contact'):07d}"


@transaction.atomic
def contact_start(*, by: User, source: ContactSource | str, received_at: dt.datetime) -> Contact:
    """Begin logging a contact; it stays a draft (saved, resumable) until submitted."""
    require_contact(by, "add_contact")
    contact = Contact(
        reference=contact_reference(),
        source=source,
        received_at=received_at,
        referral_source=SOURCE_DEFAULT_REFERRAL_SOURCE.get(source, ""),
        created_by=by,
    )
    save_audited(contact, user=by, reason="Contact started")
    return contact


def _ensure_draft(contact: Contact) -> None:
    if not contact.is_draft:
        raise ValidationError("This contact has been submitted and can no longer be edited here.")


@transaction.atomic
def contact_update_section(
    *,
    contact: Contact,
    by: User,
    section: str,
    data: dict[str, Any],
    version: int | None = None,
) -> Contact:
    """Save one section of a draft contact (partial answers allowed); refuse a stale `version`."""
    require_contact(by, "change_contact", contact)
    allowed = CONTACT_SECTIONS[section]
    for name in data:
        if name not in allowed:
            raise TypeError(f"{name} is not in section {section}")
    # Lock and re-read: the save writes every column, so it must start from the row as it is
    # now (not as the caller loaded it), and a section saved since `version` is not reverted.
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    _ensure_draft(locked)
    if version is not None and locked.version != version:
        raise ValidationError(
            "This contact was changed by someone else after you opened this page.", code=STALE
        )
    for name, value in data.items():
        setattr(locked, name, value)
    if section == "details" and locked.source != ContactSource.ECAF:
        locked.ecaf_safeguarding = None
    if section == "details":
        locked.urgent_reason = locked.urgent_reason.strip() if locked.urgent else ""
        if locked.urgent and not locked.urgent_reason:
            raise ValidationError({"urgent_reason": "Enter why the contact is urgent"})
    if section == "referrer" and locked.referral_source == ReferralSource.ANONYMOUS:
        locked.referrer_is_professional = False
    locked.version += 1
    save_audited(locked, user=by, reason=f"Contact {section} saved")
    contact.refresh_from_db()
    return contact


@transaction.atomic
def contact_link_person(
    *,
    contact: Contact,
    person: Person,
    by: User,
    role: ContactRole | str,
    relationship_to_children: str = "",
    has_parental_responsibility: bool | None = None,
    lives_with_children: bool | None = None,
) -> ContactPerson:
    """Link a person (found by matching, or just created) to a draft contact in a role."""
    require_contact(by, "change_contact", contact)
    contact = _lock(contact)
    _ensure_draft(contact)
    if contact.contact_people.filter(person=person).exists():
        raise ValidationError(f"{person.full_name} is already on this contact.")
    link = ContactPerson(
        contact=contact,
        person=person,
        role=role,
        relationship_to_children=relationship_to_children,
        has_parental_responsibility=has_parental_responsibility,
        lives_with_children=lives_with_children,
    )
    save_audited(
        link,
        user=by,
        reason=f"Linked {person.case_number} as {lower_in_sentence(link.get_role_display())}",
    )
    return link


@transaction.atomic
def contact_unlink_person(*, link: ContactPerson, by: User) -> None:
    """Remove a person from a draft contact."""
    require_contact(by, "change_contact", link.contact)
    _ensure_draft(_lock(link.contact))
    delete_audited(link, user=by, reason=f"Removed {link.person.case_number} from the contact")


def contact_missing_answers(contact: Contact) -> dict[str, list[str]]:
    """What must still be answered before the contact can be submitted, by section."""
    missing: dict[str, list[str]] = {}

    def need(section: str, label: str) -> None:
        missing.setdefault(section, []).append(label)

    if contact.source == ContactSource.ECAF and contact.ecaf_safeguarding is None:
        need("details", "Say whether the safeguarding box is ticked on the e-CAF")
    if contact.source == ContactSource.INFORMATION_REQUEST and not contact.requesting_body:
        need("details", "Enter who is requesting information")
    if not contact.referral_source:
        need("referrer", "Select who the referrer is")
    if contact.referral_source != ReferralSource.ANONYMOUS:
        if not contact.referrer_name:
            need("referrer", "Enter the referrer's name")
        if contact.referrer_is_professional is None:
            need("referrer", "Say whether the referrer is a professional")
        if not (contact.referrer_phone or contact.referrer_email or contact.referrer_address):
            need("referrer", "Enter at least one way to contact the referrer")
    if not contact.concerns:
        need("concerns", "Enter the concerns or request, in the referrer's words")
    if contact.information_only:
        return missing
    if not contact.contact_people.filter(role=ContactRole.CHILD).exists():
        need("children", "Add at least one child")
    if not contact.family_aware:
        need("family", "Say whether the family know about the referral")
    if not contact.family_agrees:
        need("family", "Say whether the family agree to the referral")
    return missing


def _record_household(contact: Contact, children: list[Person], *, by: User) -> None:
    """Put the children and the adults who live with them into one household record."""
    members = children + [
        link.person
        for link in contact.contact_people.select_related("person")
        if not link.is_child and link.lives_with_children
    ]
    existing = (
        HouseholdMember.objects.filter(person__in=children, left_on__isnull=True)
        .select_related("household")
        .first()
    )
    if existing:
        household = existing.household
    else:
        household = Household(address=next((c.address for c in children if c.address_id), None))
        save_audited(
            household, user=by, reason=f"Household recorded from contact {contact.reference}"
        )
    current = set(
        HouseholdMember.objects.filter(household=household, left_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    for person in members:
        if person.pk not in current:
            member = HouseholdMember(
                household=household, person=person, joined_on=timezone.localdate()
            )
            save_audited(
                member, user=by, reason=f"Household member from contact {contact.reference}"
            )
    contact.household = household


def _record_relationships(contact: Contact, children: list[Person], *, by: User) -> None:
    """Record each adult's stated relationship to each child, and parental responsibility."""
    for link in contact.contact_people.select_related("person"):
        if link.is_child or not link.relationship_to_children:
            continue
        for child in children:
            rel, _ = PersonRelationship.objects.get_or_create(
                person=child,
                relative=link.person,
                defaults={"relationship": link.relationship_to_children},
            )
            rel.relationship = link.relationship_to_children
            if link.has_parental_responsibility is not None:
                rel.has_parental_responsibility = link.has_parental_responsibility
            save_audited(
                rel, user=by, reason=f"Relationship recorded from contact {contact.reference}"
            )


@transaction.atomic
def contact_submit(*, contact: Contact, by: User, profile: CouncilProfile) -> Contact:
    """Finish logging: check completeness, record what was known, flag repeat contacts."""
    require_contact(by, "change_contact", contact)
    contact = _lock(contact)
    _ensure_draft(contact)
    missing = contact_missing_answers(contact)
    if missing:
        raise ValidationError([msg for msgs in missing.values() for msg in msgs])
    links = list(contact.contact_people.select_related("person"))
    statuses = selectors.statuses_for(link.person for link in links)
    for link in links:
        link.known_status = statuses[link.person_id].status
        save_audited(link, user=by, reason="Known status recorded at submission")
    children = [link.person for link in links if link.is_child]
    contact.submitted_at = timezone.now()
    if children:
        _record_household(contact, children, by=by)
        _record_relationships(contact, children, by=by)
    save_audited(contact, user=by, reason="Household and relationships recorded")
    # The move refreshes `contact` (the caller's copy) from the row it saved.
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.SUBMITTED,
        by=by,
        reason="Contact submitted for screening",
        profile=profile,
    )
    duplicates.contact_flag_duplicates(contact=contact, profile=profile, by=by)
    # The contact now counts as a later contact about its children (mash.reopen), which
    # locks an earlier contact and then its children: so must this. The flags above name
    # earlier contacts, and Django checks foreign keys at commit (a key-share lock on each):
    # checked now, before the children are locked, never after (where rows are locked at
    # all: SQLite, the demo's database, locks the whole database instead).
    if connection.features.has_select_for_update:
        connection.check_constraints()
    lifecycle.lock_children(contact)
    contact.consider_assessment = any(
        selectors.repeat_contact_count(
            child, at=contact.received_at, months=profile.repeat_contact_window_months
        )
        >= profile.repeat_contact_threshold
        for child in children
    )
    if contact.consider_assessment:
        save_audited(
            contact,
            user=by,
            reason=f"{profile.repeat_contact_threshold} or more contacts in "
            f"{profile.repeat_contact_window_months} months: consider a Child and Family Assessment",
        )
    return contact


# Screening ----------------------------------------------------------------------------------


@dataclass
class ScreeningRoute:
    """Where the rules send a contact, and why (shown to the officer before they confirm)."""

    status: ContactStatus
    explanation: str
    team: Team | None = None
    workers: list[User] = field(default_factory=list)


def screening_route(contact: Contact, *, profile: CouncilProfile, today: dt.date) -> ScreeningRoute:
    """Apply the screening rules (DOMAIN §4) to a submitted contact."""
    if contact.information_only and contact.source != ContactSource.INFORMATION_REQUEST:
        return ScreeningRoute(
            ContactStatus.INFORMATION_ONLY,
            "The caller wants information or advice only: signpost them and close the contact.",
        )
    children = [
        link.person
        for link in contact.contact_people.filter(role=ContactRole.CHILD).select_related("person")
    ]
    statuses = selectors.statuses_for(children)
    open_involvements = [s.involvement for s in statuses.values() if s.is_open]
    if contact.source == ContactSource.STEP_UP and all(
        inv.service == Service.EARLY_HELP for inv in open_involvements
    ):
        # New concerns raised by early help itself: passing them back to the family
        # worker would loop; they are screened afresh for step-up (DOMAIN §5).
        return ScreeningRoute(
            ContactStatus.AWAITING_RATING,
            "A step-up from early help: the contact goes to the senior practitioners for an "
            "initial RAG rating rather than back to the early help worker.",
        )
    if open_involvements:
        workers = []
        for inv in open_involvements:
            if inv.allocated_worker and inv.allocated_worker not in workers:
                workers.append(inv.allocated_worker)
        team = open_involvements[0].team
        who = ", ".join(str(w) for w in workers) or f"the {team} duty manager"
        return ScreeningRoute(
            ContactStatus.PASSED_TO_ALLOCATED_WORKER,
            f"A child on this contact is open to {lower_in_sentence(open_involvements[0].get_service_display())}: "
            f"it goes to {who} with an alert, without a new triage.",
            team=team,
            workers=workers,
        )
    if contact.source == ContactSource.INFORMATION_REQUEST and contact.information_only:
        # Whether a family is known, asked by a court, a council or a service (protocol 3.1).
        return ScreeningRoute(
            ContactStatus.INFORMATION_AND_ADVICE,
            "A request for information about a family not open to a service: the Contact "
            "Service writes the response and a senior practitioner authorises it, as provision "
            "of information and advice.",
        )
    if profile.route_recently_closed_to_last_team:
        recent = [
            s.involvement
            for s in statuses.values()
            if s.involvement
            and s.closed_since(today, profile.recently_closed_months)
            and s.involvement.team
        ]
        if recent:
            latest = max(recent, key=lambda inv: inv.closed_on)
            return ScreeningRoute(
                ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
                f"A child's case closed on {govuk_date(latest.closed_on)}, within "
                f"{profile.recently_closed_months} months: the contact goes to {latest.team}, "
                "the team that last worked with the child.",
                team=latest.team,
            )
    return ScreeningRoute(
        ContactStatus.AWAITING_RATING,
        "No child on this contact is open to a service: the contact record goes to the "
        "senior practitioners for an initial RAG rating.",
    )


def _contact_people(contact: Contact) -> list[Person]:
    return [link.person for link in contact.contact_people.select_related("person")]


@transaction.atomic
def contact_screen(
    *,
    contact: Contact,
    by: User,
    profile: CouncilProfile,
    rationale: str,
    signposting: str = "",
) -> ScreeningRoute:
    """Screen a submitted contact and route it as the rules require."""
    require_contact(by, "screen_contact", contact)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != ContactStatus.SUBMITTED:
        raise ValidationError("This contact has already been screened.")
    route = screening_route(contact, profile=profile, today=timezone.localdate())
    if route.status == ContactStatus.INFORMATION_ONLY and not signposting.strip():
        raise ValidationError({"signposting": "Enter the information or signposting given"})
    now = timezone.now()
    workers = route.workers
    contact = lifecycle.contact_move(
        contact=contact,
        to=route.status,
        by=by,
        reason=f"Screened: {route.status.label}. {rationale}".strip(),
        team=route.team,
        worker=workers[0] if workers else None,
        more_workers=workers[1:],
        profile=profile,
        facts={
            "screened_at": now,
            "screened_by": by,
            "screening_rationale": rationale,
            "signposting": signposting,
        },
        at=now,
    )
    url = contact.get_absolute_url()
    if route.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER:
        for worker in workers:
            notify(
                user=worker,
                title=f"New contact {contact.reference} on a case allocated to you",
                body="A new contact has arrived about a child on your caseload. "
                "Case numbers: " + ", ".join(p.case_number for p in _contact_people(contact)),
                url=url,
            )
        if not workers and route.team:
            _notify_team_managers(contact, route.team, url)
    elif route.status == ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM and route.team:
        _notify_team_managers(contact, route.team, url)
    return route


def _notify_team_managers(contact: Contact, team: Team, url: str) -> None:
    for manager in users_with_role(Role.TEAM_MANAGER, team=team):
        notify(
            user=manager,
            title=f"Contact {contact.reference} assigned to {team.name}",
            body="A new contact has been assigned to your team.",
            url=url,
        )


# Clocks met by recording what was done ----------------------------------------------------


@transaction.atomic
def contact_record_referrer_told(
    *, contact: Contact, by: User, how: str, note: str = ""
) -> Contact:
    """Record that the referrer was told the outcome (meets the 'referrer told' clock)."""
    require_contact(by, "change_contact", contact)
    return contact_meet_referrer_told(
        contact=contact, by=by, reason=f"Referrer told the outcome by {how}. {note}".strip()
    )


@transaction.atomic
def contact_meet_referrer_told(
    *, contact: Contact, by: User | None, reason: str, at: dt.datetime | None = None
) -> Contact:
    """Meet the open 'referrer told' clock and note when the referrer was told (callers check
    permission). Each outcome starts a clock, so a referrer told of one outcome can be told
    of the next (MASH, then the MASH decision)."""
    contact = _lock(contact)
    waiting = contact.deadlines.open().filter(kind=ClockKind.REFERRER_TOLD)
    if contact.referrer_told_at is not None and not waiting.exists():
        raise ValidationError("The referrer has already been recorded as told.")
    contact.referrer_told_at = at or timezone.now()
    clocks.deadline_meet(
        kind=ClockKind.REFERRER_TOLD, contact=contact, by=by, at=contact.referrer_told_at
    )
    save_audited(contact, user=by, reason=reason)
    return contact


@transaction.atomic
def contact_record_written_follow_up(*, contact: Contact, by: User, note: str = "") -> Contact:
    """Record that the written follow-up of a phone child protection referral arrived."""
    require_contact(by, "change_contact", contact)
    contact = _lock(contact)
    if contact.written_follow_up_at is not None:
        raise ValidationError("The written follow-up has already been recorded.")
    contact.written_follow_up_at = timezone.now()
    clocks.deadline_meet(
        kind=ClockKind.CP_WRITTEN_FOLLOW_UP, contact=contact, by=by, at=contact.written_follow_up_at
    )
    save_audited(
        contact, user=by, reason=f"Written follow-up of the phone referral received. {note}".strip()
    )
    return contact


@transaction.atomic
def contact_complete_information_and_advice(*, contact: Contact, by: User, note: str) -> Contact:
    """Record that the provision of information and advice is done (meets its 7 working day clock)."""
    require_contact(by, "change_contact", contact)
    contact = _lock(contact)
    if (
        contact.status != ContactStatus.INFORMATION_AND_ADVICE
        or contact.information_and_advice_done_at
    ):
        raise ValidationError(
            "There is no provision of information and advice open on this contact."
        )
    if contact.source == ContactSource.INFORMATION_REQUEST:
        raise ValidationError(
            "A response to a request for information is written, then authorised by a senior "
            "practitioner: use the response page."
        )
    if not note.strip():
        raise ValidationError({"note": "Enter what information and advice was given"})
    contact.information_and_advice_done_at = timezone.now()
    clocks.deadline_meet(
        kind=ClockKind.INFORMATION_AND_ADVICE,
        contact=contact,
        by=by,
        at=contact.information_and_advice_done_at,
    )
    save_audited(
        contact, user=by, reason=f"Provision of information and advice completed. {note}".strip()
    )
    return contact
