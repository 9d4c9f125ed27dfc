"""`manage.py seed_demo`: load invented demo data (staff, families, case history, contacts).

`make run` calls this after `migrate`. It does nothing if the demo users already exist, and
refuses to run with DEBUG off unless told `--force`, so it cannot fill a live service with
made-up children by accident. The families and contacts are made in `demo/families.py`,
`demo/scenarios.py` and `demo/contacts.py`; MASH and early help work in `demo/mash.py` and
`demo/early_help.py`.
"""

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AgencyKind, PartnerAgency, Team, TeamKind, User
from accounts.roles import Role
from demo import contacts as demo_contacts
from demo import duplicates as duplicates_demo
from demo import early_help as early_help_demo
from demo import mash as mash_demo
from demo import screening as screening_demo
from demo import whole_child as whole_child_demo
from demo import year as demo_year
from demo.families import Family
from referrals.models import Contact, ContactStatus, Involvement, Service
from thresholds.models import CouncilProfile
from thresholds.selectors import current_profile

DEMO_PASSWORD = "demo-contact-2026"
REASON = "Demo data"

# Staff sit in team slots filled from the running council profile's shipped teams, so
# the demo works under every profile (Camden's names are shown in the comments).
SCREENING = "screening"  # Contact Service screening
MASH = "mash"  # MASH
CIN_A, CIN_B, CP = "social_work_1", "social_work_2", "social_work_3"  # CIN A, CIN B, CP team
FSEH = "early_help_front_door"  # First Stop Early Help
FAMILY_SUPPORT = "early_help"  # Family Support Team
POLICE = AgencyKind.POLICE


def profile_teams(profile: CouncilProfile) -> dict[str, Team]:
    """The profile's team for each slot (a council with fewer teams reuses one)."""
    teams = Team.objects.filter(profile=profile, is_active=True).order_by("pk")
    by_kind: dict[str, list[Team]] = {}
    for team in teams:
        by_kind.setdefault(team.kind, []).append(team)
    missing = [
        k
        for k in (
            TeamKind.SCREENING,
            TeamKind.MASH,
            TeamKind.SOCIAL_WORK,
            TeamKind.EARLY_HELP_TRIAGE,
        )
        if k not in by_kind
    ]
    if missing:
        raise CommandError(f"The {profile} profile has no team of kind {', '.join(missing)}.")
    social = by_kind[TeamKind.SOCIAL_WORK]
    front_door = by_kind[TeamKind.EARLY_HELP_TRIAGE][0]
    return {
        SCREENING: by_kind[TeamKind.SCREENING][0],
        MASH: by_kind[TeamKind.MASH][0],
        CIN_A: social[0],
        CIN_B: social[1 % len(social)],
        CP: social[2 % len(social)],
        FSEH: front_door,
        FAMILY_SUPPORT: by_kind.get(TeamKind.EARLY_HELP, [front_door])[0],
    }


def profile_agencies(profile: CouncilProfile) -> dict[str, PartnerAgency]:
    """The profile's first agency of each kind (the MASH always asks police at least)."""
    agencies: dict[str, PartnerAgency] = {}
    for agency in PartnerAgency.objects.filter(profile=profile, is_active=True).order_by(
        "-always_asked", "pk"
    ):
        agencies.setdefault(agency.kind, agency)
    if POLICE not in agencies:
        raise CommandError(f"The {profile} profile has no police partner agency.")
    return agencies


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    job_title: str
    role: Role | None  # None: a worker with no front-door role (allocated to cases)
    team: str = ""
    agency: str = ""


# One login per role, then the workers who hold the open cases.
STAFF: tuple[StaffMember, ...] = (
    StaffMember("admin", "Helen", "Clarke", "Systems administrator", Role.ADMINISTRATOR),
    StaffMember("screening", "Janet", "Okoye", "Screening officer", Role.SCREENING_OFFICER,
                SCREENING),
    StaffMember("senior", "Daniel", "Hughes", "Senior practitioner", Role.SENIOR_PRACTITIONER,
                SCREENING),
    StaffMember("mashworker", "Aisha", "Rahman", "MASH social worker", Role.MASH_SOCIAL_WORKER,
                MASH),
    StaffMember("mashmanager", "Fiona", "McAllister", "MASH manager", Role.MASH_MANAGER, MASH),
    StaffMember("police", "Mark", "Reynolds", "Detective Constable, Public Protection Desk",
                Role.PARTNER_AGENCY_USER, agency=POLICE),
    StaffMember("health", "Priya", "Shah", "Named nurse for safeguarding, MASH health",
                Role.PARTNER_AGENCY_USER, agency=AgencyKind.HEALTH),
    StaffMember("education", "Owen", "Price", "Education safeguarding officer, MASH",
                Role.PARTNER_AGENCY_USER, agency=AgencyKind.EDUCATION),
    StaffMember("probation", "Laura", "Kelly", "Probation officer, MASH liaison",
                Role.PARTNER_AGENCY_USER, agency=AgencyKind.PROBATION),
    StaffMember("domesticabuse", "Nadia", "Karimi", "Independent domestic violence adviser",
                Role.PARTNER_AGENCY_USER, agency=AgencyKind.DOMESTIC_ABUSE),
    StaffMember("ehmanager", "Sarah", "Bennett", "Early Help duty team manager",
                Role.EARLY_HELP_DUTY_MANAGER, FSEH),
    StaffMember("ehworker", "Tom", "Gallagher", "Early help coordinator", Role.EARLY_HELP_WORKER,
                FAMILY_SUPPORT),
    StaffMember("teammanager", "Grace", "Ogunleye", "Team manager", Role.TEAM_MANAGER, CIN_A),
    StaffMember("servicemanager", "Robert", "Adeyemi", "Contact Service manager",
                Role.SERVICE_MANAGER),
    StaffMember("socialworker1", "Chloe", "Walsh", "Social worker", None, CIN_A),
    StaffMember("socialworker2", "Yusuf", "Demir", "Senior social worker", None, CIN_A),
    StaffMember("socialworker3", "Hannah", "Price", "Social worker", None, CIN_B),
    StaffMember("socialworker4", "Kwabena", "Asiedu", "Social worker", None, CP),
    StaffMember("familyworker", "Marcia", "Thompson", "Family worker", None, FAMILY_SUPPORT),
)  # fmt: skip


def create_staff(profile: CouncilProfile) -> dict[str, User]:
    """Demo users in the profile's teams and agencies, through the account services."""
    admin_spec, *others = STAFF
    admin = _create_user(admin_spec, by=None, teams={}, agencies={})
    teams, agencies = profile_teams(profile), profile_agencies(profile)
    staff = {"admin": admin}
    for spec in others:
        if spec.agency and spec.agency not in agencies:
            continue  # this council has no such partner agency
        staff[spec.username] = _create_user(spec, by=admin, teams=teams, agencies=agencies)
    return staff


def _create_user(
    spec: StaffMember,
    *,
    by: User | None,
    teams: dict[str, Team],
    agencies: dict[str, PartnerAgency],
) -> User:
    return account_services.user_create(
        username=spec.username,
        password=DEMO_PASSWORD,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.org",
        roles=[spec.role] if spec.role else [],
        team=teams.get(spec.team),
        agency=agencies.get(spec.agency),
        job_title=spec.job_title,
        by=by,
        reason=REASON,
    )


class Command(BaseCommand):
    help = "Load invented demo data: staff, families, case history and contacts. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even though DEBUG is off. Never use this on a live service.",
        )
        parser.add_argument(
            "--without-year",
            action="store_true",
            help="Skip the back-dated year of history (demo/year.py): only today's front door.",
        )

    def handle(
        self, *args: Any, force: bool = False, without_year: bool = False, **options: Any
    ) -> None:
        if not (settings.DEBUG or force):
            raise CommandError(
                "DEBUG is off, so this may be a live service: refusing to load made-up children. "
                "Use --force if you are sure this is a demo or test database."
            )
        usernames = [s.username for s in STAFF]
        existing = User.objects.filter(username__in=usernames).order_by("username")
        if existing.exists():
            names = ", ".join(existing.values_list("username", flat=True))
            self.stdout.write(f"Demo users already exist ({names}): nothing to do.")
            return
        started = time.monotonic()
        profile = current_profile()
        # One transaction: a failed run leaves nothing behind, so the next run starts clean.
        with transaction.atomic():
            staff = create_staff(profile)
            families = demo_contacts.seed(staff=staff, profile=profile)
            early_help_demo.seed(staff=staff, profile=profile, families=families)
            mash_demo.seed(staff=staff, profile=profile)
            whole_child_demo.seed(staff=staff, profile=profile)
            duplicates_demo.seed(staff=staff, profile=profile)
            screening_demo.seed(staff=staff, profile=profile)
            if not without_year:
                demo_year.seed(staff=staff, profile=profile)
        self._summary(profile.name, families, time.monotonic() - started)

    def _summary(self, profile: str, families: list[Family], seconds: float) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data loaded in {seconds:.1f} s ({profile} profile)."))
        teams, agencies = Team.objects.count(), PartnerAgency.objects.count()
        write(f"  {teams} teams, {agencies} partner agencies, {User.objects.count()} users")
        children = [c for f in families for c in f.children]
        unborn = sum(1 for c in children if c.is_unborn)
        adults = sum(len(f.adults) for f in families)
        n = len(families)
        write(f"  {len(children)} children ({unborn} unborn) and {adults} adults in {n} families")
        recent = timezone.localdate() - relativedelta(months=3)
        open_ = Involvement.objects.filter(closed_on=None)
        closed = Involvement.objects.exclude(closed_on=None)
        social_care, early_help = Service.SOCIAL_CARE, Service.EARLY_HELP
        write(
            f"  Involvements: {open_.filter(service=social_care).count()} open to social care, "
            f"{open_.filter(service=early_help).count()} open to early help, "
            f"{closed.filter(closed_on__gte=recent).count()} closed in the last 3 months, "
            f"{closed.filter(closed_on__lt=recent).count()} closed before that"
        )
        statuses = Counter(Contact.objects.values_list("status", flat=True))
        by_status = ", ".join(f"{statuses[s]} {s.label}" for s in ContactStatus if statuses[s])
        write(f"  {sum(statuses.values())} contacts: {by_status}")
        flagged = Contact.objects.filter(consider_assessment=True).count()
        write(f"  {flagged} flagged 'consider a Child and Family Assessment'")
        write(f"Demo logins (password {DEMO_PASSWORD}):")
        for spec in STAFF:
            role = spec.role.label if spec.role else "no role"
            name = f"{spec.first_name} {spec.last_name}"
            write(f"  {spec.username:<14} {name}, {spec.job_title} ({role})")
