"""Demo contacts logged, screened and rated through the services, so that history, object
permissions and alerts look as they would in use; `seed` makes the whole demo borough.
"""

import datetime as dt
import random

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from accounts.models import User
from referrals import services
from referrals.models import (
    Contact,
    ContactRole,
    ContactSource,
    Person,
    ReferralSource,
    RelationshipType,
    Sex,
)
from thresholds.models import CouncilProfile

from .families import (
    SEED,
    Family,
    FamilyMaker,
    ascii_only,
    make_families,
    open_involvements,
    plan_histories,
)
from .scenarios import (
    PLAN,
    RATIONALE,
    SCENARIOS,
    STEPS,
    Planned,
    S,
    Scenario,
    choose_families,
    focus_child,
)

PRONOUNS = {Sex.MALE: ("he", "his", "him"), Sex.FEMALE: ("she", "her", "her")}


def _age_text(child: Person, today: dt.date) -> str:
    days = (today - child.date_of_birth).days
    if days < 70:
        return f"{max(days // 7, 1)} weeks"
    if days < 365:
        return f"{days // 30} months"
    return str(child.age_on(today))


def _context(
    family: Family, focus: Person, when: dt.datetime, rng: random.Random
) -> dict[str, str]:
    today = when.date()
    carer = family.adults[0].person
    partner = family.adult(RelationshipType.PARENTS_PARTNER)
    second = family.adults[1].person if len(family.adults) > 1 else carer
    born = family.born
    names = [f"{c.known_as or c.first_name} ({_age_text(c, today)})" for c in born]
    names = names or ["the unborn baby"]
    he = PRONOUNS.get(focus.sex, ("they", "their", "them"))
    words = ["no", "one", "two", "three", "four", "five"]
    ctx = {
        "child": focus.known_as or focus.first_name,
        "child_full": focus.full_name,
        "age": _age_text(focus, today) if focus.date_of_birth else "unborn",
        "he": he[0],
        "He": he[0].capitalize(),
        "his": he[1],
        "His": he[1].capitalize(),
        "him": he[2],
        "mother": carer.full_name,
        "mother_first": carer.first_name,
        "second_adult": second.full_name,
        "children": ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1],
        "n_children": f"{words[min(len(born), 5)]} {'child' if len(born) == 1 else 'children'}",
        "n_kids": f"{words[min(len(born), 5)]} kids",
        "oldest_age": str(max(c.age_on(today) for c in born)) if born else "",
        "youngest_age": _age_text(max(born, key=lambda c: c.date_of_birth), today) if born else "",
        "school": focus.school_or_nursery or "the school",
        "address": f"{family.address['line_1']}, {family.address['postcode']}",
        "merlin": f"PAC {when:%y}/{rng.randint(100000, 999999)}",
        "court_case": f"ZC{when:%y}P{rng.randint(10000, 99999)}",
        "due": f"{today + dt.timedelta(weeks=10):%d %B %Y}",
        "worker_team": family.worker.team.name if family.worker and family.worker.team else "",
        "worker_title": family.worker.job_title if family.worker else "",
        "partner": partner.person.full_name if partner else "",
        "partner_dob": f"{partner.person.date_of_birth:%d/%m/%Y}" if partner else "",
        "licence_end": f"{today + dt.timedelta(days=400):%B %Y}",
    }
    if focus.expected_date_of_birth:
        ctx["weeks"] = str(40 - (focus.expected_date_of_birth - today).days // 7)
        ctx["edd"] = f"{focus.expected_date_of_birth:%d %B %Y}"
    return ctx


def _received_at(
    planned: Planned, scenario: Scenario, now: dt.datetime, rng: random.Random
) -> dt.datetime:
    """Office hours for phone calls and forms from professionals; any day for police and EDT."""
    day = timezone.localtime(now).date() - dt.timedelta(days=planned.days_ago)
    office = (
        scenario.source not in (ContactSource.POLICE_MERLIN, ContactSource.EDT_REPORT)
        and scenario.professional
    )
    while office and day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    moment = dt.time(rng.randint(*scenario.hours), rng.randrange(0, 60, 5))
    when = timezone.make_aware(dt.datetime.combine(day, moment))
    return min(when, now - dt.timedelta(minutes=rng.randint(5, 40)))


def _referrer(
    scenario: Scenario, family: Family | None, ctx: dict[str, str], fake: Faker, rng: random.Random
) -> dict[str, object]:
    if scenario.anonymous:
        return {"referral_source": ReferralSource.ANONYMOUS}
    if scenario.source == ContactSource.STEP_UP and family and family.worker:
        name, email = family.worker.get_full_name(), family.worker.email
    elif scenario.relationship == "The young person" and family:
        name, email = ctx["child_full"], ""
    else:
        female = scenario.relationship in ("Parent", "Maternal grandmother")
        name = f"{fake.first_name_female() if female else fake.first_name()} {fake.last_name()}"
        org = scenario.organisation.format_map(ctx)
        domain = slugify(" ".join(org.split()[:2])) + ".example.org"
        local = slugify(ascii_only(name)).replace("-", ".")
        email = f"{local}@{domain}" if scenario.professional else ""
    number = rng.randint(0, 999)  # Ofcom's drama ranges: London landline or mobile
    phone = f"020 7946 0{number:03d}" if scenario.professional else f"07700 900{number:03d}"
    professional = "Professional" if scenario.professional else ""
    return {
        "referrer_is_professional": scenario.professional,
        "referrer_name": name,
        "referral_source": scenario.referral_source,
        "referrer_organisation": scenario.organisation.format_map(ctx),
        "referrer_role": scenario.role.format_map(ctx),
        "referrer_relationship": scenario.relationship or professional,
        "referrer_knowledge": scenario.knowledge.format_map(ctx),
        "referrer_phone": phone,
        "referrer_email": email,
    }


def _link_people(
    contact: Contact, family: Family, scenario: Scenario, focus: Person, by: User
) -> None:
    children = [focus] if scenario.information_only else family.children
    for child in children:
        services.contact_link_person(contact=contact, person=child, by=by, role=ContactRole.CHILD)
    if scenario.information_only:
        return
    for adult in family.adults:
        partner = adult.relationship == RelationshipType.PARENTS_PARTNER
        accused = partner and bool(scenario.perpetrator)
        bailed = accused and scenario.source == ContactSource.POLICE_MERLIN  # not to go home
        services.contact_link_person(
            contact=contact,
            person=adult.person,
            by=by,
            role=ContactRole.ALLEGED_PERPETRATOR if accused else ContactRole.PARENT_CARER,
            relationship_to_children=adult.relationship,
            has_parental_responsibility=adult.parental_responsibility,
            lives_with_children=not bailed,
        )


def _section(
    step: str, planned: Planned, family: Family | None, ctx: dict[str, str], fake: Faker,
    rng: random.Random,
) -> dict[str, object] | None:  # fmt: skip
    """What the officer enters on one page of the contact form (None: nothing to enter)."""
    scenario = SCENARIOS[planned.scenario]
    if step == "details":
        data: dict[str, object] = {
            "information_only": scenario.information_only,
            "requesting_body": scenario.requesting_body,
        }
        if scenario.ecaf_safeguarding is not None and planned.stop_after != "details":
            data["ecaf_safeguarding"] = scenario.ecaf_safeguarding  # a draft leaves it unanswered
        return data
    if step == "referrer":
        return _referrer(scenario, family, ctx, fake, rng)
    if step == "concerns":
        return {
            "concerns": scenario.concerns.format_map(ctx),
            "alleged_perpetrator_details": scenario.perpetrator.format_map(ctx),
        }
    if step == "family" and not scenario.information_only:
        return {
            "family_aware": scenario.aware,
            "family_agrees": scenario.agrees,
            "family_agreement_details": scenario.agreement.format_map(ctx),
        }
    return None


def log_contacts(
    chosen: list[Family | None], *, staff: dict[str, User], profile: CouncilProfile, today: dt.date
) -> None:
    """Log, submit and screen the planned contacts in the order they arrived."""
    rng = random.Random(SEED + 2)
    fake = Faker("en_GB")
    fake.seed_instance(SEED + 2)
    now = timezone.now()
    arrivals = [(_received_at(p, SCENARIOS[p.scenario], now, rng), i) for i, p in enumerate(PLAN)]
    for when, i in sorted(arrivals):
        planned, family = PLAN[i], chosen[i]
        scenario, by = SCENARIOS[planned.scenario], staff[planned.by]
        # A repeat contact may be about a different child; otherwise the youngest.
        focus = (focus_child(family, scenario, today) or family.born[-1]) if family else None
        ctx = _context(family, focus, when, rng) if family and focus else {}
        contact = services.contact_start(by=by, source=scenario.source, received_at=when)
        for step in STEPS[: STEPS.index(planned.stop_after or STEPS[-1]) + 1]:
            if step == "people":
                if family and focus:
                    _link_people(contact, family, scenario, focus, by)
            elif (data := _section(step, planned, family, ctx, fake, rng)) is not None:
                services.contact_update_section(contact=contact, by=by, section=step, data=data)
        if planned.status == S.DRAFT:
            continue
        services.contact_submit(contact=contact, by=by, profile=profile)
        if planned.status == S.SUBMITTED:
            continue
        route = services.contact_screen(
            contact=contact,
            by=staff["screening"],
            profile=profile,
            rationale=RATIONALE[planned.status],
            signposting=scenario.signposting,
        )
        if (
            route.status == S.ASSIGNED_TO_PREVIOUS_TEAM
            and profile.route_recently_closed_to_last_team
        ):
            continue  # Havering: a recently closed case goes back to its last team instead
        if route.status != planned.status:  # the plan and the screening rules disagree
            raise ValueError(
                f"Contact {contact.reference} went to {route.status}, not {planned.status}"
            )
        if planned.rate:
            _rate(contact, planned.rate, staff=staff, profile=profile)


RATING_RATIONALE = {
    "red": "Unexplained injury to a young child: risk of serious harm. MASH checks now.",
    "amber": "Needs are complex and enduring; parenting capacity is affected. Level 3 indicators present.",
    "green": "Low-level needs that early help can meet; the young person asked for support.",
}


def _rate(contact, plan: tuple[str, int, bool, str], *, staff: dict[str, User], profile) -> None:
    """Give a screened demo contact its initial rating."""
    from referrals import rating

    rag, level, cp_concerns, outcome = plan
    if outcome and not profile.uses(outcome):
        outcome = "social_work_referral"  # this council has no such outcome
    referral = outcome == "social_work_referral"
    rating.contact_rate(
        contact=contact,
        by=staff["senior"],
        profile=profile,
        rag=rag,
        level=level,
        cp_concerns=cp_concerns,
        rationale=RATING_RATIONALE[rag],
        outcome=outcome or None,
        team=staff["socialworker3"].team if referral else None,
        assessment_type="cfa" if referral else "",
        borderline="amber_green" if outcome == "daily_discussion" else "",
        now=None,  # screening happened now, so rating follows it
    )


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> list[Family]:
    """Create the families, their case history and the contacts (in the caller's transaction)."""
    today = timezone.localdate()
    # People are entered by a screening officer: the administrator configures the service and
    # holds no case-data permission (ADR 0009).
    maker = FamilyMaker(by=staff["screening"], today=today)
    families = make_families(maker)
    chosen, claimed = choose_families(families, maker)
    plan_histories(families, claimed=claimed)
    open_involvements(families, staff=staff, today=today)
    log_contacts(chosen, staff=staff, profile=profile, today=today)
    return families
