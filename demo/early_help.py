"""Early help demo rows, loaded by `seed_demo` after the front door's (demo/contacts.py).

Everything goes through the services, under whichever council profile is running:

- two screened contacts from the front door demo are rated green and decided (family work
  with a team around the family; information, advice and guidance from a coordinator);
- a new school e-CAF goes to this week's Early Help Panel, and a nursery e-CAF is held
  because the family withdrew consent;
- a social work team stepped a family down a week ago: last week's panel minuted its
  attendees and opened family work, whose lead professional is now the school's SENCO, and
  the family worker has just stepped new concerns up to MASH screening.

It adds four contacts to the front door's, so the demo stays a screening officer's day.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from early_help import family_work, services
from early_help.step_down import step_down_request
from referrals import rating
from referrals import services as referral_services
from referrals.models import (
    Contact,
    ContactRole,
    ContactSource,
    ContactStatus,
    Involvement,
    ReferralSource,
    Service,
)
from thresholds.models import CouncilProfile

from .families import NOT_KNOWN, OPEN_CSSW, Family

REASON = "Demo data"
SEED = 2027


def seed(*, staff: dict[str, User], profile: CouncilProfile, families: list[Family]) -> None:
    """Create the early help rows (in the caller's transaction)."""
    rng = random.Random(SEED)
    now = timezone.now()
    manager, coordinator = staff["ehmanager"], staff["ehworker"]
    family_worker = staff["familyworker"]
    spare = _families_without_contacts(families)

    school_ecaf = Contact.objects.filter(
        source=ContactSource.ECAF, status=ContactStatus.SUBMITTED
    ).first()
    if (green := _screen_and_rate_green(school_ecaf, staff, profile)) is not None:
        services.early_help_decide(
            contact=green,
            by=manager,
            profile=profile,
            outcome="brief_assessment",
            rationale="Two level 2 indicators (behaviour, attendance) and housing and money "
            "worries; mum asked for help. A brief assessment and a team around the family.",
            worker=family_worker,
        )
        case = green.family_work_cases.get()
        school = next((c.school_or_nursery for c in case.children.all() if c.school_or_nursery), "")
        _team(
            case,
            family_worker,
            [
                ("Bethany Cole", "Pastoral lead", school or "Primary school"),
                ("Leon Campbell", "School nurse", "School nursing service"),
            ],
        )

    housing = Contact.objects.filter(
        status=ContactStatus.SUBMITTED, referral_source=ReferralSource.HOUSING
    ).first()
    if (green := _screen_and_rate_green(housing, staff, profile)) is not None:
        services.early_help_decide(
            contact=green,
            by=manager,
            profile=profile,
            outcome="iag",
            rationale="Housing conditions, not care: advice on disrepair, the asthma nurse and "
            "the children's centre's stay-and-play for mum.",
            worker=coordinator,
        )

    today = timezone.localdate()
    family = _pick(spare, lambda f: len(f.born) >= 2 and f.born[0].age_on(today) >= 11)
    if family is not None:
        contact = _new_green_ecaf(family, staff, profile, SCHOOL_ECAF)
        services.early_help_decide(
            contact=contact,
            by=manager,
            profile=profile,
            outcome="panel",
            rationale="Whole-family needs across three services: the panel should decide who "
            "leads (IYSS for the eldest, family support for the younger children).",
        )
    family = _pick(spare, lambda f: f.born[-1].age_on(today) <= 4)
    if family is not None:
        contact = _new_green_ecaf(family, staff, profile, NURSERY_ECAF)
        services.consent_record(
            contact=contact,
            by=manager,
            family_agrees="no",
            details="Dad phoned: the family do not want early help at the moment and will "
            "talk to the nursery again after half term.",
        )

    _step_down_and_up(staff, profile, families, now, rng)


SCHOOL_ECAF = (
    "e-CAF completed with mum, consent signed. The eldest is out of school most days and "
    "has been seen with older boys on the estate; the middle child has an EHC plan and mum "
    "is struggling to get to the school meetings. Mum has asked for help for the whole family.",
    ReferralSource.SCHOOL,
    "Designated safeguarding lead",
)
NURSERY_ECAF = (
    "e-CAF, no safeguarding concerns. Speech and language delay; dad says mum has been low "
    "since the new baby and the family have no one nearby. Dad agreed to the e-CAF.",
    ReferralSource.EDUCATION,
    "Nursery manager",
)


def _families_without_contacts(families: list[Family]) -> list[Family]:
    """Families not known to any service and not on a demo contact yet."""
    return [
        f
        for f in families
        if f.history == NOT_KNOWN
        and f.born
        and not any(c.contact_links.exists() for c in f.children)
    ]


def _screen_and_rate_green(
    contact: Contact | None, staff: dict[str, User], profile: CouncilProfile
) -> Contact | None:
    """Screen a submitted contact and rate it green to early help, where the rules allow."""
    if contact is None or not rating.has_consent(contact):
        return None
    route = referral_services.contact_screen(
        contact=contact, by=staff["screening"], profile=profile, rationale="Not known: for rating."
    )
    if route.status != ContactStatus.AWAITING_RATING:
        return None
    result = rating.route_for(
        contact, profile=profile, rag="green", cp_concerns=False, chosen="early_help"
    )
    if result.forced:
        return None
    rating.contact_rate(
        contact=contact,
        by=staff["senior"],
        profile=profile,
        rag="green",
        level=2,
        cp_concerns=False,
        rationale="Level 2: two or more early help indicators; no safeguarding concerns; the "
        "family agree.",
        outcome="early_help",
    )
    contact.refresh_from_db()
    return contact


def _new_green_ecaf(
    family: Family, staff: dict[str, User], profile: CouncilProfile, text: tuple[str, str, str]
) -> Contact:
    concerns, source, role = text
    by = staff["screening"]
    contact = referral_services.contact_start(
        by=by, source=ContactSource.ECAF, received_at=timezone.now() - dt.timedelta(hours=20)
    )
    for section, data in (
        ("details", {"ecaf_safeguarding": False}),
        (
            "referrer",
            {
                "referrer_is_professional": True,
                "referrer_name": "Sam Okafor",
                "referral_source": source,
                "referrer_organisation": family.born[0].school_or_nursery or "School",
                "referrer_role": role,
                "referrer_email": "s.okafor@school.example.org",
            },
        ),
        ("concerns", {"concerns": concerns}),
        ("family", {"family_aware": "yes", "family_agrees": "yes"}),
    ):
        referral_services.contact_update_section(contact=contact, by=by, section=section, data=data)
    for child in family.born:
        referral_services.contact_link_person(
            contact=contact, person=child, by=by, role=ContactRole.CHILD
        )
    for adult in family.adults[:1]:
        referral_services.contact_link_person(
            contact=contact,
            person=adult.person,
            by=by,
            role=ContactRole.PARENT_CARER,
            relationship_to_children=adult.relationship,
            has_parental_responsibility=adult.parental_responsibility,
            lives_with_children=True,
        )
    referral_services.contact_submit(contact=contact, by=by, profile=profile)
    green = _screen_and_rate_green(contact, staff, profile)
    return green or contact


def _team(case, by: User, members: list[tuple[str, str, str]]) -> None:
    for name, role, organisation in members:
        family_work.taf_member_add(
            case=case,
            by=by,
            name=name,
            role=role,
            organisation=organisation,
            email=f"{name.split()[0].lower()}@partner.example.org",
        )


def _pick(families: list[Family], fits) -> Family | None:
    """Take the first family that fits out of the list."""
    for family in families:
        if fits(family):
            families.remove(family)
            return family
    return None


def _step_down_and_up(
    staff: dict[str, User], profile: CouncilProfile, families: list[Family], now, rng
) -> None:
    """A step-down a week ago, last week's panel, family work since, and a step-up today."""
    manager, team_manager = staff["ehmanager"], staff["teammanager"]
    team = team_manager.team
    candidates = [
        f
        for f in families
        if f.history == OPEN_CSSW
        and f.worker is not None
        and f.worker.team_id == team.pk
        and Involvement.objects.filter(
            person__in=f.born, team=team, service=Service.SOCIAL_CARE, closed_on__isnull=True
        ).exists()
    ]
    if not candidates:
        return
    family = rng.choice(candidates)
    children = list(
        Involvement.objects.filter(
            person__in=family.born, team=team, service=Service.SOCIAL_CARE, closed_on__isnull=True
        )
        .select_related("person")
        .order_by("person__date_of_birth")
    )
    step_down = step_down_request(
        by=team_manager,
        profile=profile,
        children=list(dict.fromkeys(inv.person for inv in children)),
        reasons="Child in need plan completed: home conditions and school attendance improved "
        "and sustained for three months. Mum wants parenting support and help with the "
        "children's routines; no safeguarding concerns.",
        family_agrees=True,
        consent_details="Mum agreed at the final child in need review.",
        now=now - dt.timedelta(days=7),
    )
    item = step_down.contact.panel_cases.get()
    panel_time = min(now, timezone.make_aware(dt.datetime.combine(item.panel.date, dt.time(11, 0))))
    services.panel_record_attendees(
        panel=item.panel,
        by=manager,
        attendees=[manager, staff["ehworker"], staff["familyworker"]],
        other_attendees="IYSS team leader; CAMHS early help practitioner",
    )
    services.panel_decide(
        item=item,
        by=manager,
        profile=profile,
        decision="brief_assessment",
        rationale="Family work to embed the routines the CIN plan started, then hand the lead "
        "to the school.",
        worker=staff["familyworker"],
        now=panel_time,
    )
    case = step_down.contact.family_work_cases.get()
    family_work.taf_member_add(
        case=case,
        by=staff["familyworker"],
        name="Ruth Adeyemi",
        role="Special educational needs coordinator",
        organisation=family.born[0].school_or_nursery or "School",
        phone="020 7946 0417",
        is_lead_professional=True,
    )
    family_work.family_work_case_step_up(
        case=case,
        by=staff["familyworker"],
        profile=profile,
        concerns="At today's home visit mum said her ex-partner has been coming back to the flat "
        "at night and the youngest said he shouted and pushed mum. Mum is frightened but does not "
        "want the police involved.",
        family_aware="yes",
        family_agrees="no",
        family_agreement_details="Mum knows I am passing this on; she does not agree.",
    )
