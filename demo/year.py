"""The demo year: a back-dated history of contacts behind today's front door, so the management
information, the CIN census and Ofsted's Annex A lists have something to say.

From 1 October before the current collection year (1 April to 31 March) until a fortnight
ago, about ten contacts a week arrive from every kind of referrer and go the whole way through
the front door: screening, the initial rating, the MASH (consent, partner checks answered on
time or late, the manager's decision), early help (information and advice, family work with
its assessment, the panel), information and advice, no further action, and referrals to the
social work teams, whose census episodes are then recorded (no further action, assessment
started and authorised, closed or still open). Some families come back.

Every row is written by the services the pages use, with the clock turned back to when the
step happened (`time_machine.travel`), so history, clocks, breaches and grants are as they
would be in use. Referrers are phoned (no email address), so nothing is emailed to them when
the seed commits; the screening officer records telling them, sometimes late.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AgencyKind, Team, User
from core.enums import RatingOutcome, YesNoUnknown
from early_help import family_work
from early_help import services as early_help
from early_help.models import EarlyHelpPanel, FamilyWorkCase, PanelCase
from mash import enquiries
from referrals import cin, rating
from referrals import services as referrals
from referrals.merlin import services as merlin
from referrals.models import (
    CinEpisode,
    ContactRole,
    ContactSource,
    ContactStatus,
    Person,
    ReferralSource,
    Service,
    Sex,
)
from thresholds import clock
from thresholds import services as clocks
from thresholds.models import ClosureDay, CouncilProfile, Deadline

from .families import Family, FamilyMaker

SEED = 2031
PER_WEEK = 6  # contacts a week in the collection year (more makes seed_demo too slow)
PER_WEEK_BEFORE = 2  # and in the six months before it (for "the previous six months")
QUIET_DAYS = 14  # the last fortnight is the live demo's (demo/contacts.py)
REASON = "Demo data: the year's history"
# The DfE's three-digit local authority codes, for the demo children's unique pupil numbers.
LA_CODES = {"camden": "202", "islington": "206", "havering": "311"}


def collection_year_start(today: dt.date) -> dt.date:
    """1 April of the CIN census collection year that contains `today`."""
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def history_start(today: dt.date) -> dt.date:
    """Six months before the collection year, so its first half has a half to compare with."""
    return collection_year_start(today) - relativedelta(months=6)


@dataclass(frozen=True)
class Referrer:
    """Who a contact comes from, with the CIN census referral source code it is counted under."""

    source: str
    code: str
    organisation: str
    role: str
    concerns: str
    professional: bool = True
    weight: int = 1


REFERRERS: tuple[Referrer, ...] = (
    Referrer(ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Designated safeguarding lead",
             "{child} has come into school hungry and unkempt several times this month and said "
             "there was shouting at home at the weekend.", weight=14),
    Referrer(ContactSource.ECAF, ReferralSource.EDUCATION, "Education welfare service",
             "Education welfare officer",
             "e-CAF: attendance has fallen to 82% this term; mum is struggling with the "
             "children's routines and asked for support.", weight=5),
    Referrer(ContactSource.PHONE, ReferralSource.GP, "Kentish Green Surgery", "GP",
             "Mum disclosed low mood and drinking at her appointment; she cares for the children "
             "alone and has missed their immunisations.", weight=4),
    Referrer(ContactSource.PHONE, ReferralSource.HEALTH_VISITOR, "Health visiting service",
             "Health visitor",
             "Missed development checks and a home visit where the flat was cold and cluttered; "
             "the youngest's weight has dropped two centiles.", weight=5),
    Referrer(ContactSource.PHONE, ReferralSource.SCHOOL_NURSE, "School nursing service",
             "School nurse", "{child} told me about self-harm and that things are bad at home.",
             weight=2),
    Referrer(ContactSource.PHONE, ReferralSource.PRIMARY_HEALTH, "Community dental service",
             "Dentist", "Severe untreated tooth decay; three appointments missed.", weight=2),
    Referrer(ContactSource.EDT_REPORT, ReferralSource.ACCIDENT_EMERGENCY,
             "Royal Free Hospital emergency department", "Paediatric liaison nurse",
             "{child} was brought to A&E overnight with an injury the explanation did not fit.",
             weight=4),
    Referrer(ContactSource.PHONE, ReferralSource.OTHER_HEALTH, "Child and adolescent mental health",
             "CAMHS practitioner", "{child} was discharged from CAMHS after missed appointments; "
             "worries about supervision at home.", weight=2),
    Referrer(ContactSource.PHONE, ReferralSource.FAMILY, "", "",
             "I'm the children's aunt. Their mum is drinking again and the kids are left on their "
             "own in the evenings.", professional=False, weight=4),
    Referrer(ContactSource.PHONE, ReferralSource.ACQUAINTANCE, "", "",
             "I live next door. There's shouting most nights and the children are out on the "
             "landing late.", professional=False, weight=3),
    Referrer(ContactSource.ONLINE_FORM, ReferralSource.SELF, "", "",
             "I can't cope with my son's behaviour any more and I need help.",
             professional=False, weight=2),
    Referrer(ContactSource.PHONE, ReferralSource.OTHER_INDIVIDUAL, "", "",
             "A passer-by saw a young child alone outside the flats late at night.",
             professional=False, weight=1),
    Referrer(ContactSource.PHONE, ReferralSource.ANONYMOUS, "", "",
             "The children at {address} are left alone and the flat smells.",
             professional=False, weight=3),
    Referrer(ContactSource.PHONE, ReferralSource.HOUSING, "Housing management", "Housing officer",
             "Rent arrears and an eviction notice; the flat is overcrowded and damp and mum says "
             "she cannot manage.", weight=3),
    Referrer(ContactSource.PHONE, ReferralSource.LA_SOCIAL_CARE, "Adult social care",
             "Social worker, adult mental health", "Mum has been sectioned; the children are "
             "with a friend tonight.", weight=2),
    Referrer(ContactSource.PHONE, ReferralSource.LA_INTERNAL, "Youth offending service",
             "Youth justice worker", "{child} was seen with older boys carrying drugs.", weight=2),
    Referrer(ContactSource.INFORMATION_REQUEST, ReferralSource.LA_EXTERNAL,
             "Another council's children's services", "Social worker",
             "The family moved here from another borough; their child in need plan there ended "
             "last month and we have continuing worries.", weight=3),
    Referrer(ContactSource.ECAF, ReferralSource.LA_EARLY_HELP, "Family hub", "Early help worker",
             "e-CAF from the family hub: parenting support was offered but needs are growing.",
             weight=3),
    Referrer(ContactSource.PHONE, ReferralSource.LEGAL_AGENCY, "Probation service",
             "Probation officer", "Mum's new partner is on licence for violence and has moved in.",
             weight=3),
    Referrer(ContactSource.PHONE, ReferralSource.OTHER, "Children's centre", "Centre manager",
             "Dad was aggressive at pick-up and {child} seemed scared to go home.", weight=3),
)  # fmt: skip
MERLIN_WEIGHT = 16  # police MERLINs arrive through merlin_submit, with the police RAG
INFO_ONLY_WEIGHT = 7  # calls for information only, about no child

# What becomes of a rated contact: (plan, weight). Adapted at run time to the council's
# outcomes and to where the rules send the contact.
PLANS = (
    ("eh_iag", 8),
    ("eh_family_work", 12),
    ("eh_panel", 5),
    ("information_and_advice", 7),
    ("no_further_action", 6),
    ("referral", 11),
    ("mash_referral", 5),
    ("mash_s47", 4),
    ("mash_early_help", 5),
    ("mash_nfa", 8),
)
NEEDS = (("N1", 45), ("N2", 4), ("N3", 6), ("N4", 14), ("N5", 16), ("N6", 4), ("N7", 2),
         ("N8", 4), ("N9", 5))  # fmt: skip
DISABILITIES = ("AUT", "LD", "COMM", "BEH", "MOB", "HEAR", "VIS", "HAND", "PC", "DDA")
CONSENT_GROUNDS = (
    "immediate_danger",
    "risk_of_harm_or_prejudice_investigation",
    "unjustifiable_delay",
)


@dataclass
class Known:
    """A demo family and when it may come back to the front door."""

    family: Family
    free_from: dt.date = dt.date.max  # no open work after this (a repeat contact may come)
    contacts: int = 0


@dataclass
class Year:
    """Runs the year's history: a clock that only moves forward within one contact's life."""

    staff: dict[str, User]
    profile: CouncilProfile
    rng: random.Random
    real_now: dt.datetime
    closures: frozenset[dt.date]
    la_code: str
    known: list[Known] = field(default_factory=list)
    merlins: int = 0
    upns: int = 0
    panels_minuted: set[int] = field(default_factory=set)

    # Time -------------------------------------------------------------------------------------

    def due(self, when: dt.datetime) -> bool:
        """Whether a step at `when` has happened yet (later steps are left for the future)."""
        return when < self.real_now - dt.timedelta(minutes=5)

    def at(self, when: dt.datetime, step: Callable[[], object]) -> object:
        """Do `step` as if it were `when`: the sweep first marks what fell overdue meanwhile
        (only when something has: a sweep per step would cost a fifth of the seed)."""
        with time_machine.travel(when, tick=False):
            if Deadline.objects.open().filter(breached_at=None, due_at__lt=when).exists():
                clocks.deadline_sweep(now=when)
            return step()

    def working_days(self, start: dt.datetime, days: int, hour: int | None = None) -> dt.datetime:
        day = timezone.localtime(start).date()
        for _ in range(days):
            day = clock.next_working_day(day, self.closures)
        moment = dt.time(
            hour if hour is not None else self.rng.randint(9, 16), self.rng.randrange(60)
        )
        return timezone.make_aware(dt.datetime.combine(day, moment))

    def hours(self, start: dt.datetime, low: float, high: float) -> dt.datetime:
        return start + dt.timedelta(minutes=self.rng.randint(int(low * 60), int(high * 60)))

    # People -----------------------------------------------------------------------------------

    def children(self, family: Family, day: dt.date) -> list[Person]:
        return [c for c in family.born if c.date_of_birth < day and c.age_on(day) < 18]

    def pick_family(self, maker: FamilyMaker, day: dt.date) -> Known:
        ready = [k for k in self.known if k.free_from + dt.timedelta(days=100) <= day]
        if ready and self.rng.random() < 0.14:
            known = self.rng.choice(ready)
            if self.children(known.family, day):
                return known
        while True:
            family = maker.family(children=self.rng.choices((1, 2, 3), weights=(45, 35, 20))[0])
            if self.children(family, day):
                known = Known(family)
                self.known.append(known)
                return known


def _arrivals(start: dt.date, end: dt.date, year_start: dt.date, rng: random.Random):
    """Arrival times: office hours on weekdays, police and out-of-hours any day."""
    day = start
    while day <= end:
        rate = PER_WEEK if day >= year_start else PER_WEEK_BEFORE
        for _ in range(_poisson(rng, rate / 7 * (1.25 if day.weekday() < 5 else 0.4))):
            yield day
        day += dt.timedelta(days=1)


def _poisson(rng: random.Random, mean: float) -> int:
    n, p, limit = 0, 1.0, pow(2.718281828, -mean)
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


def seed(*, staff: dict[str, User], profile: CouncilProfile) -> None:
    """Write the year's history (in the caller's transaction)."""
    real_now = timezone.now()
    today = timezone.localdate()
    start, year_start = history_start(today), collection_year_start(today)
    rng = random.Random(SEED)
    year = Year(
        staff=staff,
        profile=profile,
        rng=rng,
        real_now=real_now,
        closures=frozenset(ClosureDay.objects.values_list("date", flat=True)),
        la_code=LA_CODES.get(profile.code, "999"),
    )
    # The history's families were living in the borough when it starts.
    maker = FamilyMaker(by=staff["screening"], today=start)
    maker.rng = random.Random(SEED)
    maker.fake.seed_instance(SEED)
    total = sum(r.weight for r in REFERRERS)
    for day in _arrivals(start, today - dt.timedelta(days=QUIET_DAYS), year_start, rng):
        pick = rng.uniform(0, total + MERLIN_WEIGHT + INFO_ONLY_WEIGHT)
        if pick < INFO_ONLY_WEIGHT:
            _information_only(year, day)
        elif pick < INFO_ONLY_WEIGHT + MERLIN_WEIGHT:
            _merlin(year, maker, day)
        else:
            referrer = rng.choices(REFERRERS, weights=[r.weight for r in REFERRERS])[0]
            _contact(year, maker, day, referrer)
    census_items(year)


def _moment(year: Year, day: dt.date, hours: tuple[int, int]) -> dt.datetime:
    moment = dt.time(year.rng.randint(*hours), year.rng.randrange(0, 60, 5))
    return timezone.make_aware(dt.datetime.combine(day, moment))


# Contacts -------------------------------------------------------------------------------------


def _information_only(year: Year, day: dt.date) -> None:
    """A call for advice about no child in particular, signposted and closed."""
    by, profile = year.staff["screening"], year.profile
    when = _moment(year, day, (9, 17))

    def log():
        contact = referrals.contact_start(by=by, source=ContactSource.PHONE, received_at=when)
        referrals.contact_update_section(
            contact=contact, by=by, section="details", data={"information_only": True}
        )
        referrals.contact_update_section(
            contact=contact,
            by=by,
            section="referrer",
            data={
                "referrer_is_professional": False,
                "referrer_name": "A parent",
                "referral_source": ReferralSource.FAMILY,
                "referrer_phone": f"07700 900{year.rng.randint(0, 999):03d}",
            },
        )
        referrals.contact_update_section(
            contact=contact,
            by=by,
            section="concerns",
            data={"concerns": "Asked where to find parenting support and short breaks."},
        )
        referrals.contact_submit(contact=contact, by=by, profile=profile)
        referrals.contact_screen(
            contact=contact,
            by=by,
            profile=profile,
            rationale="Advice only; signposted.",
            signposting="Gave the family hub's number and the parenting programme's details.",
        )

    year.at(when, log)


def _contact(year: Year, maker: FamilyMaker, day: dt.date, referrer: Referrer) -> None:
    """A contact logged by a screening officer, then screened and rated."""
    rng, by, profile = year.rng, year.staff["screening"], year.profile
    office = referrer.source not in (ContactSource.EDT_REPORT,)
    if office and day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    when = _moment(year, day, (9, 16) if office else (0, 23))
    plan = rng.choices([p for p, _ in PLANS], weights=[w for _, w in PLANS])[0]
    known = year.pick_family(maker, day)
    family = known.family
    children = year.children(family, day)
    focus = children[-1]
    anonymous = referrer.code == ReferralSource.ANONYMOUS
    public = not referrer.professional
    agrees = (
        YesNoUnknown.YES
        if plan.startswith(("eh_", "mash_early"))
        else rng.choice((YesNoUnknown.YES, YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN))
    )
    ctx = {
        "child": focus.known_as or focus.first_name,
        "school": focus.school_or_nursery or "the school",
        "address": family.address["line_1"],
    }

    def log():
        contact = referrals.contact_start(by=by, source=referrer.source, received_at=when)
        details: dict[str, object] = {}
        if referrer.source == ContactSource.ECAF:
            details["ecaf_safeguarding"] = plan.startswith("mash")
        if referrer.source == ContactSource.INFORMATION_REQUEST:
            details["requesting_body"] = referrer.organisation
        if details:
            referrals.contact_update_section(
                contact=contact, by=by, section="details", data=details
            )
        who: dict[str, object] = {"referral_source": referrer.code}
        if not anonymous:
            who.update(
                referrer_is_professional=referrer.professional,
                referrer_name=f"{maker.fake.first_name()} {maker.fake.last_name()}",
                referrer_organisation=referrer.organisation.format_map(ctx),
                referrer_role=referrer.role,
                # A phone number, not an email: the referrer is told by phone (see the module).
                referrer_phone=f"020 7946 0{rng.randint(0, 999):03d}"
                if referrer.professional
                else f"07700 900{rng.randint(0, 999):03d}",
            )
        referrals.contact_update_section(contact=contact, by=by, section="referrer", data=who)
        referrals.contact_update_section(
            contact=contact,
            by=by,
            section="concerns",
            data={"concerns": referrer.concerns.format_map(ctx)},
        )
        for child in children:
            referrals.contact_link_person(
                contact=contact, person=child, by=by, role=ContactRole.CHILD
            )
        carer = family.adults[0]
        referrals.contact_link_person(
            contact=contact,
            person=carer.person,
            by=by,
            role=ContactRole.PARENT_CARER,
            relationship_to_children=carer.relationship,
            has_parental_responsibility=carer.parental_responsibility,
            lives_with_children=True,
        )
        referrals.contact_update_section(
            contact=contact,
            by=by,
            section="family",
            data={
                "family_aware": YesNoUnknown.YES if agrees == YesNoUnknown.YES else "unknown",
                "family_agrees": YesNoUnknown.UNKNOWN if public and not anonymous else agrees,
            },
        )
        referrals.contact_submit(contact=contact, by=by, profile=profile)
        return contact

    contact = year.at(when, log)
    known.contacts += 1
    _screen_and_rate(year, known, contact, when, plan)


def _merlin(year: Year, maker: FamilyMaker, day: dt.date) -> None:
    """A police MERLIN about a family's domestic abuse or a missing child, with the police RAG."""
    rng = year.rng
    known = year.pick_family(maker, day)
    family = known.family
    children = year.children(family, day)
    year.merlins += 1
    when = _moment(year, day, (7, 8))
    plan = rng.choices(
        ("mash_referral", "mash_s47", "mash_nfa", "referral", "eh_family_work", "eh_iag"),
        weights=(4, 3, 6, 3, 4, 4),
    )[0]
    police_rag = "red" if plan in ("mash_s47",) else rng.choice(("amber", "amber", "green"))
    category = rng.choice(("domestic_abuse", "domestic_abuse", "missing_child", "other"))
    carer = family.adults[0].person
    data = merlin.ReportData(
        reference=f"PAC {when:%y}/{100000 + year.merlins:06d}",
        police_rag=police_rag,
        incident_at=when - dt.timedelta(hours=rng.randint(6, 30)),
        category=category,
        safeguarding_concerns=True,
        summary="Police attended the family home after a call from a neighbour; the children "
        "were present. Details and background checks attached.",
        decision_maker_name="DS Alison Park",
        decision_maker_rank="Detective Sergeant",
        signed_off=True,
        subjects=[
            merlin.SubjectData(
                is_child=True,
                first_name=c.first_name,
                last_name=c.last_name,
                date_of_birth=c.date_of_birth,
            )
            for c in children
        ]
        + [
            merlin.SubjectData(
                is_child=False,
                first_name=carer.first_name,
                last_name=carer.last_name,
                date_of_birth=carer.date_of_birth,
                background_checks="No trace.",
            )
        ],
    )
    report = year.at(
        when,
        lambda: merlin.merlin_submit(by=year.staff["police"], profile=year.profile, data=data),
    )
    known.contacts += 1
    contact = report.contact
    contact.refresh_from_db()
    if contact.status == ContactStatus.SUBMITTED:
        _screen_and_rate(year, known, contact, when, plan)
    else:
        known.free_from = max(known.free_from if known.contacts > 1 else dt.date.min, day)


def _screen_and_rate(year: Year, known: Known, contact, when: dt.datetime, plan: str) -> None:
    rng, staff, profile = year.rng, year.staff, year.profile
    screened = year.hours(when, 0.3, 5 if rng.random() < 0.9 else 30)
    route = year.at(
        screened,
        lambda: referrals.contact_screen(
            contact=contact,
            by=staff["screening"],
            profile=profile,
            rationale="Checks done: not open to a service.",
        ),
    )
    if known.contacts == 1:
        known.free_from = dt.date.min
    if route.status != ContactStatus.AWAITING_RATING:
        # Open to a service (passed to its worker) or, in Havering, back to the last team.
        known.free_from = max(known.free_from, screened.date())
        return
    contact.refresh_from_db()
    rated = year.hours(screened, 0.5, 6 if rng.random() < 0.85 else 40)
    rag, level, cp, outcome = _rating_for(plan, profile)
    try:
        forced = rating.route_for(contact, profile=profile, rag=rag, cp_concerns=cp, chosen=outcome)
    except ValidationError:  # the rules refuse the planned outcome (no consent for early help)
        rag, level, cp, outcome, plan = "amber", 3, False, "social_work_referral", "referral"
        forced = rating.route_for(contact, profile=profile, rag=rag, cp_concerns=cp, chosen=outcome)
    if forced.outcome == RatingOutcome.MASH and not plan.startswith("mash"):
        plan = "mash_referral"  # the rules send it to the MASH (previously known, open to EH)
    referral_team = _team(year)
    year.at(
        rated,
        lambda: rating.contact_rate(
            contact=contact,
            by=staff["senior"],
            profile=profile,
            rag=rag,
            level=level,
            cp_concerns=cp,
            rationale=RATIONALE[rag],
            outcome=outcome,
            team=referral_team if forced.outcome == "social_work_referral" else None,
            assessment_type="cfa" if forced.outcome == "social_work_referral" else "",
        ),
    )
    _tell_referrer(year, contact, rated)
    contact.refresh_from_db()
    end = rated
    if contact.status == ContactStatus.WITH_MASH:
        end = _mash(year, contact, rated, plan)
    elif contact.status == ContactStatus.WITH_EARLY_HELP:
        end = _early_help(year, contact, rated, plan)
    elif contact.status == ContactStatus.INFORMATION_AND_ADVICE:
        done = year.working_days(rated, rng.choice((1, 2, 3, 4, 5, 6, 9)))
        if year.due(done):
            year.at(
                done,
                lambda: referrals.contact_complete_information_and_advice(
                    contact=contact,
                    by=staff["senior"],
                    note="Advice on parenting and the family hub given to mum by phone.",
                ),
            )
        end = done
    contact.refresh_from_db()
    if contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK:
        end = _episodes(year, contact, end)
    known.free_from = max(known.free_from, end.date())


RATIONALE = {
    "red": "Risk of immediate or serious harm: MASH checks now.",
    "amber": "Needs are complex and parenting capacity is affected: level 3 indicators.",
    "green": "Low-level needs that early help can meet; the family agree.",
}


def _rating_for(plan: str, profile: CouncilProfile) -> tuple[str, int, bool, str | None]:
    if plan.startswith("mash"):
        return ("red", 4, True, None) if plan == "mash_s47" else ("amber", 4, True, None)
    if plan.startswith("eh_"):
        return "green", 2, False, "early_help"
    if plan in ("information_and_advice", "no_further_action") and profile.uses(plan):
        return "green", 1, False, plan
    if plan in ("information_and_advice", "no_further_action"):
        return "green", 2, False, "early_help"  # this council has no such outcome at rating
    return "amber", 3, False, "social_work_referral"


def _team(year: Year) -> Team:
    """A social work team that a demo worker belongs to (they record the census items)."""
    names = ("socialworker1", "socialworker3", "socialworker4", "socialworker2")
    team = year.staff[year.rng.choice(names)].team
    # As it is now: demo.mash gave the social work teams their duty addresses after the staff
    # were loaded, and a MASH referral to a team needs one (or a handover).
    return Team.objects.get(pk=team.pk)


def _tell_referrer(year: Year, contact, after: dt.datetime) -> None:
    if contact.referral_source == ReferralSource.ANONYMOUS:
        return
    told = year.hours(after, 0.5, 8 if year.rng.random() < 0.85 else 40)
    if not year.due(told):
        return
    contact.refresh_from_db()
    if contact.referrer_told_at and not contact.deadlines.open().filter(kind="referrer_told"):
        return
    year.at(
        told,
        lambda: referrals.contact_record_referrer_told(
            contact=contact, by=year.staff["screening"], how="phone"
        ),
    )


# The MASH -----------------------------------------------------------------------------------


def _mash(year: Year, contact, rated: dt.datetime, plan: str) -> dt.datetime:
    rng, staff, profile = year.rng, year.staff, year.profile
    manager, worker = staff["mashmanager"], staff["mashworker"]
    opened = year.hours(rated, 0.2, 2)
    enquiry = year.at(
        opened,
        lambda: enquiries.enquiry_open(contact=contact, by=manager, profile=profile, worker=worker),
    )
    may_set_aside = enquiries.consent_may_be_set_aside(contact)
    roll = rng.random()
    consent_at = year.hours(opened, 0.2, 1.5)
    if may_set_aside and roll < 0.45:
        steps = [("not_sought", rng.choice(CONSENT_GROUNDS[:2]))]
    elif may_set_aside and roll < 0.6:
        steps = [("sought_refused", ""), ("overridden", rng.choice(CONSENT_GROUNDS))]
    else:
        steps = [("sought_given", "")]
    for outcome, ground in steps:
        year.at(
            consent_at,
            lambda outcome=outcome, ground=ground: enquiries.enquiry_record_consent(
                enquiry=enquiry,
                by=manager,
                outcome=outcome,
                ground=ground,
                rationale="Seeking or waiting for consent would put the children at further risk."
                if ground
                else "",
            ),
        )
        consent_at = year.hours(consent_at, 0.2, 1)
    asked = consent_at
    requests = year.at(
        asked,
        lambda: enquiries.enquiry_request_checks(
            enquiry=enquiry,
            by=worker,
            profile=profile,
            agencies=enquiries.default_agencies(profile),
            question="Please check your records for the children and adults named.",
        ),
    )
    partners = {u.agency_id: u for u in staff.values() if u.agency_id is not None}
    red = contact.rag == "red"
    last = asked
    for request in requests:
        user = partners.get(request.agency_id)
        if user is None:
            continue  # nobody from this agency in the demo: the decision closes the request
        late = rng.random() < (0.35 if request.agency.kind == AgencyKind.HEALTH else 0.15)
        if red:
            answered = year.hours(asked, 4.5, 9) if late else year.hours(asked, 0.5, 3.5)
        else:
            answered = (
                year.working_days(asked, rng.randint(2, 3)) if late else year.hours(asked, 1, 6)
            )
        if not year.due(answered):
            continue

        def answer(request=request, user=user):
            draft = enquiries.answer_save_draft(
                request=request,
                by=user,
                information_held="Known to us: details of contacts with the family this year.",
                analysis="What we hold adds to the concerns about the children's safety.",
                share_with_receiving_service=rng.random() < 0.9,
                share_with_family=False,
            )
            enquiries.answer_submit(answer=draft, by=user)

        year.at(answered, answer)
        last = max(last, answered)
    analysed = year.hours(last, 0.3, 2)
    decided = year.hours(analysed, 0.2, 2 if rng.random() < 0.8 else 20)
    if not year.due(decided):
        return decided

    def analyse():
        enquiry.refresh_from_db()
        return enquiries.enquiry_record_analysis(
            enquiry=enquiry,
            by=worker,
            version=enquiry.version,
            summary="Police, health and education hold information about this family.",
            analysis="The agencies' information together shows risk to the children.",
            recommended_level=4 if plan != "mash_nfa" else 2,
            recommended_action="As decided by the manager.",
        )

    year.at(analysed, analyse)
    step = {
        "mash_s47": "strategy_discussion",
        "mash_early_help": "early_help",
        "mash_nfa": "no_further_action",
    }.get(plan, "social_work_referral")
    if step == "early_help" and contact.family_agrees != YesNoUnknown.YES:
        step = "no_further_action"
    referral = step in ("social_work_referral", "strategy_discussion")

    def decide():
        enquiry.refresh_from_db()
        return enquiries.enquiry_decide(
            enquiry=enquiry,
            by=manager,
            version=enquiry.version,
            profile=profile,
            final_rag="red" if step == "strategy_discussion" else contact.rag or "amber",
            final_rationale="Decided on the agencies' information and the worker's analysis.",
            next_step=step,
            team=_team(year) if referral else None,
            assessment_type="cfa" if step == "social_work_referral" else "",
        )

    year.at(decided, decide)
    _tell_referrer(year, contact, decided)
    contact.refresh_from_db()
    if contact.status == ContactStatus.WITH_EARLY_HELP:
        return _early_help(year, contact, decided, "eh_iag")
    return decided


# Early help ---------------------------------------------------------------------------------


def _early_help(year: Year, contact, arrived: dt.datetime, plan: str) -> dt.datetime:
    rng, staff, profile = year.rng, year.staff, year.profile
    manager = staff["ehmanager"]
    decided = year.working_days(arrived, rng.choice((1, 1, 2, 3, 4, 6, 8, 12)))
    if not year.due(decided):
        return decided
    outcome = {"eh_family_work": "brief_assessment", "eh_panel": "panel"}.get(plan, "iag")
    worker = {"brief_assessment": staff["familyworker"], "iag": staff["ehworker"]}.get(outcome)
    year.at(
        decided,
        lambda: early_help.early_help_decide(
            contact=contact,
            by=manager,
            profile=profile,
            outcome=outcome,
            rationale="Level 2 needs; the family agree to early help.",
            worker=worker,
        ),
    )
    if outcome == "brief_assessment":
        return _family_work(year, contact, decided)
    if outcome != "panel":
        return decided
    item = PanelCase.objects.filter(contact=contact).get()
    panel: EarlyHelpPanel = item.panel
    meets = timezone.make_aware(dt.datetime.combine(panel.date, dt.time(11, 0)))
    if not year.due(meets):
        return meets
    if panel.pk not in year.panels_minuted:
        year.panels_minuted.add(panel.pk)
        year.at(
            meets,
            lambda: early_help.panel_record_attendees(
                panel=panel,
                by=manager,
                attendees=[manager, staff["ehworker"], staff["familyworker"]],
                other_attendees="IYSS team leader",
            ),
        )
    decision = rng.choice(("brief_assessment", "brief_assessment", "iag", "targeted_service"))
    year.at(
        meets,
        lambda: early_help.panel_decide(
            item=item,
            by=manager,
            profile=profile,
            decision=decision,
            rationale="The panel matched the family to the service that fits.",
            worker={"brief_assessment": staff["familyworker"], "iag": staff["ehworker"]}.get(
                decision
            ),
            service="Targeted youth support" if decision == "targeted_service" else "",
        ),
    )
    if decision == "brief_assessment":
        return _family_work(year, contact, meets)
    return meets


def _family_work(year: Year, contact, opened: dt.datetime) -> dt.datetime:
    rng, worker = year.rng, year.staff["familyworker"]
    case = FamilyWorkCase.objects.filter(contact=contact).order_by("-pk").first()
    completed = year.working_days(opened, rng.randint(8, 30))
    if rng.random() < 0.8 and year.due(completed):
        year.at(
            completed,
            lambda: family_work.family_work_record_assessment_completed(
                case=case, by=worker, completed_on=timezone.localdate(completed)
            ),
        )
    weeks = rng.choice((6, 8, 9, 10, 11, 12, 12, 14))
    closed = opened + dt.timedelta(weeks=weeks, hours=rng.randint(0, 8))
    if not year.due(closed):
        return year.real_now + dt.timedelta(days=60)  # still open: the family is busy
    reason = rng.choices(("needs_met", "consent_withdrawn", "moved_away"), weights=(8, 1, 1))[0]
    year.at(
        closed,
        lambda: family_work.family_work_case_close(case=case, by=worker, reason=reason),
    )
    return closed


# Social work referrals: the CIN census episodes ------------------------------------------------


def _episodes(year: Year, contact, referred: dt.datetime) -> dt.datetime:
    """Record each referred child's census episode as the receiving team would."""
    rng, by = year.rng, year.staff["senior"]
    need = rng.choices([n for n, _ in NEEDS], weights=[w for _, w in NEEDS])[0]
    nfa = rng.random() < 0.14
    end = referred
    for episode in CinEpisode.objects.filter(referral__contact=contact).select_related("person"):
        decided = year.hours(referred, 0, 0.2)
        fields: dict[str, object] = {"primary_need": need}
        if nfa:
            day = episode.referral_date
            fields.update(nfa=True, closed_on=day, closure_reason="RC7")
        year.at(
            decided,
            lambda episode=episode, fields=fields: cin.episode_update(
                episode=episode, by=by, reason="Census items at the referral decision", **fields
            ),
        )
        if nfa:
            continue
        started = year.working_days(referred, rng.choice((0, 1, 1, 2, 3, 5)))
        if not year.due(started):
            end = max(end, year.real_now + dt.timedelta(days=200))
            continue
        year.at(
            started,
            lambda episode=episode, started=started: cin.episode_update(
                episode=episode,
                by=by,
                reason="Child and Family Assessment started",
                assessment_started_on=timezone.localdate(started),
            ),
        )
        worker = contact_team_worker(year, contact)
        year.at(
            started,
            lambda episode=episode, started=started, worker=worker: referrals.involvement_open(
                person=episode.person,
                service=Service.SOCIAL_CARE,
                team=worker.team,
                allocated_worker=worker,
                opened_on=timezone.localdate(started),
                by=year.staff["admin"],
                reason=f"{REASON}: assessment started",
            ),
        )
        authorised = year.working_days(started, rng.choice((12, 20, 25, 30, 35, 40, 44, 50)))
        if not year.due(authorised):
            end = max(end, year.real_now + dt.timedelta(days=200))
            continue
        year.at(
            authorised,
            lambda episode=episode, authorised=authorised: cin.episode_update(
                episode=episode,
                by=by,
                reason="Assessment authorised",
                assessment_authorised_on=timezone.localdate(authorised),
            ),
        )
        if rng.random() < 0.35:  # a child in need plan goes on: the episode stays open
            end = max(end, year.real_now + dt.timedelta(days=200))
            continue
        closed = year.working_days(authorised, rng.randint(0, 8))
        if not year.due(closed):
            end = max(end, year.real_now + dt.timedelta(days=200))
            continue
        reason = rng.choice(("RC8", "RC8", "RC9", "RC7"))

        def close(episode=episode, closed=closed, reason=reason):
            cin.episode_update(
                episode=episode,
                by=by,
                reason="Case closed",
                closed_on=timezone.localdate(closed),
                closure_reason=reason,
            )
            for involvement in episode.person.involvements.filter(
                service=Service.SOCIAL_CARE, closed_on=None
            ):
                referrals.involvement_close(
                    involvement=involvement,
                    closed_on=timezone.localdate(closed),
                    closure_reason="Assessment completed: no further action"
                    if reason == "RC8"
                    else "Stepped down to early help"
                    if reason == "RC9"
                    else "No longer in need",
                    by=year.staff["admin"],
                )

        year.at(closed, close)
        end = max(end, closed)
    return end


def contact_team_worker(year: Year, contact) -> User:
    referral = contact.referrals.order_by("-created_at").first()
    for name in ("socialworker1", "socialworker2", "socialworker3", "socialworker4"):
        if year.staff[name].team_id == referral.team_id:
            return year.staff[name]
    return year.staff["socialworker1"]


# Census items on the children --------------------------------------------------------------


def census_items(year: Year) -> None:
    """Each referred child's UPN (or why there is none), disabilities, and any missing need.

    Given when the child was first referred; UN7 only where every episode ended in no
    further action; UN1 for a child not of school age by the end of the collection year.
    """
    rng, by = year.rng, year.staff["senior"]
    reference_date = dt.date(collection_year_start(timezone.localdate()).year + 1, 3, 31)
    for episode in CinEpisode.objects.filter(primary_need="", nfa=False).select_related("referral"):
        # The live demo's referrals (demo/contacts.py, demo/mash.py): neglect and abuse.
        cin.episode_update(
            episode=episode, by=by, reason="Primary need at the referral decision",
            primary_need="N1",
        )  # fmt: skip
    people = Person.objects.filter(cin_episodes__isnull=False).distinct().order_by("pk")
    for person in people.prefetch_related("cin_episodes"):
        episodes = list(person.cin_episodes.all())
        first = min(e.referral_date for e in episodes)
        data: dict[str, object] = {}
        all_nfa = all(e.nfa for e in episodes)
        school_age = person.date_of_birth and person.age_on(reference_date) >= 5
        if all_nfa and rng.random() < 0.7:
            data["upn_unknown"] = "UN7"
        elif not school_age:
            data["upn_unknown"] = "UN1"
        elif rng.random() < 0.08:
            data["upn_unknown"] = rng.choice(("UN2", "UN3", "UN4"))
        else:
            data["upn"] = _upn(year, person)
        roll = rng.random()
        if roll < 0.86:
            data["disabilities"] = ["NONE"]
        elif roll < 0.95:
            data["disabilities"] = [rng.choice(DISABILITIES)]
        else:
            data["disabilities"] = rng.sample(DISABILITIES, 2)
        if not person.sex:
            data["sex"] = Sex.UNKNOWN
        when = timezone.make_aware(dt.datetime.combine(first, dt.time(17, 0)))
        when = min(when, year.real_now - dt.timedelta(minutes=10))
        year.at(
            when,
            lambda person=person, data=data: referrals.person_update(
                person=person, by=by, reason="CIN census items recorded", **data
            ),
        )


def _upn(year: Year, person: Person) -> str:
    """A valid unique pupil number: check letter, LA code, school, year of entry, serial."""
    year.upns += 1
    entered = (person.date_of_birth.year + 5) % 100
    school = 2000 + year.rng.randint(0, 899) if person.age_on(timezone.localdate()) < 11 else 4000
    rest = f"{year.la_code}{school:04d}{entered:02d}{year.upns % 1000:03d}"
    return cin.upn_check_letter(rest) + rest
