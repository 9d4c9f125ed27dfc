"""The generated council's staff: every role, in the running profile's teams and agencies.

Made through `accounts.services.user_create`, as an administrator would make them, so groups,
team groups and agency groups are exactly what the services and access helpers expect.
Usernames say the role (`scale-screening-officer-1`, `scale-partner-agency-user-3`), so a
benchmark can log in as "a screening officer" without looking anything up. Staff already
made by an earlier run are reused: the second run adds records, not people to log in as.
"""

import functools
import math
from dataclasses import dataclass, field

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management.base import CommandError

from accounts import services as account_services
from accounts.models import PartnerAgency, Team, TeamKind, User
from accounts.roles import Role
from thresholds.models import CouncilProfile

USERNAME_PREFIX = "scale-"
REASON = "Synthetic council (generate_council)"

# Staff per role at the default size (about 250 people), and the team kind they sit in.
# Team managers and partner users are per team / per agency instead.
PER_ROLE: dict[Role, tuple[int, TeamKind | None]] = {
    Role.SCREENING_OFFICER: (40, TeamKind.SCREENING),
    Role.SENIOR_PRACTITIONER: (12, TeamKind.SCREENING),
    Role.MASH_SOCIAL_WORKER: (40, TeamKind.MASH),
    Role.MASH_MANAGER: (6, TeamKind.MASH),
    Role.EARLY_HELP_DUTY_MANAGER: (8, TeamKind.EARLY_HELP_TRIAGE),
    Role.EARLY_HELP_WORKER: (30, TeamKind.EARLY_HELP),
    Role.SERVICE_MANAGER: (3, None),
    Role.ADMINISTRATOR: (2, None),
}
TEAM_MANAGERS_PER_TEAM = 2
SOCIAL_WORKERS_PER_TEAM = 8  # allocated workers of the children open to the team (no role)
PARTNER_USERS_PER_AGENCY = 6


def username(role: Role, number: int) -> str:
    return f"{USERNAME_PREFIX}{role.value.replace('_', '-')}-{number}"


@dataclass
class Staff:
    """Who the generator can name as the author, holder or reader of a record (ids only)."""

    by_role: dict[Role, list[int]] = field(default_factory=dict)
    teams: dict[str, list[Team]] = field(default_factory=dict)  # TeamKind -> teams
    agencies: list[PartnerAgency] = field(default_factory=list)
    agency_users: dict[int, list[int]] = field(default_factory=dict)  # agency id -> user ids
    team_groups: dict[int, int] = field(default_factory=dict)  # team id -> group id
    agency_groups: dict[int, int] = field(default_factory=dict)  # agency id -> group id
    social_workers: dict[int, list[int]] = field(default_factory=dict)  # team id -> user ids

    def team(self, kind: TeamKind) -> Team:
        return self.teams[kind][0]


def _count(default: int, staff_scale: float) -> int:
    return max(1, math.ceil(default * staff_scale))


def _team_of(teams: dict[str, list[Team]], kind: TeamKind | None) -> Team | None:
    if kind is None:
        return None
    # A council without a separate early help team puts its workers in the front door's.
    options = teams.get(kind) or teams.get(TeamKind.EARLY_HELP_TRIAGE) or []
    return options[0] if options else None


def social_worker_username(number: int) -> str:
    return f"{USERNAME_PREFIX}social-worker-{number}"


def _make(
    role: Role | None,
    number: int,
    *,
    password: str,
    team: Team | None = None,
    agency: PartnerAgency | None = None,
) -> User:
    """A user of `role`; with none, a social worker (in a social work team: no front-door
    role, they hold the children allocated to them)."""
    name = username(role, number) if role else social_worker_username(number)
    existing = User.objects.filter(username=name).first()
    if existing is not None:
        return existing
    label = role.label if role else "Social worker"
    user = account_services.user_create(
        username=name,
        password=password,
        first_name=label.split()[0],
        last_name=f"{' '.join(label.split()[1:]) or 'Staff'} {number}",
        email=f"{name}@scale.invalid",
        roles=[role] if role else [],
        team=team,
        agency=agency,
        job_title=label,
        by=None,
        reason=REASON,
    )
    if password:
        User.objects.filter(pk=user.pk).update(password=portable_hash(password))
        user.refresh_from_db(fields=["password"])
    return user


# PBKDF2 at the service's full work factor, computed once per password and shared by every
# generated user (one salt for synthetic staff of a database that is not live): a hash every
# settings module checks. user_create hashes with the running settings' first hasher, and the
# test settings (which benchmarks run the generator under) hash with MD5 only, which the
# service's own settings refuse: the load test's gunicorn could not sign a generated user in.
# At the full work factor a first sign-in costs what a live one does (one check, no re-hash
# at a million iterations on top), as the load test should measure.
@functools.cache
def portable_hash(password: str) -> str:
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def ensure_staff(*, profile: CouncilProfile, password: str, staff_scale: float) -> Staff:
    """Make (or find) the staff of every role in the profile's teams and agencies."""
    staff = Staff()
    for team in Team.objects.filter(profile=profile, is_active=True).order_by("pk"):
        staff.teams.setdefault(team.kind, []).append(team)
        staff.team_groups[team.pk] = team.group_id
    missing = [
        k
        for k in (
            TeamKind.SCREENING,
            TeamKind.MASH,
            TeamKind.SOCIAL_WORK,
            TeamKind.EARLY_HELP_TRIAGE,
        )
        if k not in staff.teams
    ]
    if missing:
        raise CommandError(f"The {profile} profile has no team of kind {', '.join(missing)}.")
    staff.agencies = list(
        PartnerAgency.objects.filter(profile=profile, is_active=True).order_by(
            "-always_asked", "pk"
        )
    )
    if not staff.agencies:
        raise CommandError(f"The {profile} profile has no partner agencies.")
    for role, (default, kind) in PER_ROLE.items():
        team = _team_of(staff.teams, kind)
        staff.by_role[role] = [
            _make(role, n, password=password, team=team).pk
            for n in range(1, _count(default, staff_scale) + 1)
        ]
    managers, number = [], 0
    for team in staff.teams[TeamKind.SOCIAL_WORK] + staff.teams.get(TeamKind.DISABLED_CHILDREN, []):
        for _ in range(TEAM_MANAGERS_PER_TEAM):
            number += 1
            managers.append(_make(Role.TEAM_MANAGER, number, password=password, team=team).pk)
    staff.by_role[Role.TEAM_MANAGER] = managers
    number = 0
    for team in staff.teams[TeamKind.SOCIAL_WORK]:
        workers = []
        for _ in range(_count(SOCIAL_WORKERS_PER_TEAM, staff_scale)):
            number += 1
            workers.append(_make(None, number, password=password, team=team).pk)
        staff.social_workers[team.pk] = workers
    partners, number = [], 0
    for agency in staff.agencies:
        group = account_services.agency_group(agency=agency)
        staff.agency_groups[agency.pk] = group.pk
        ids = []
        for _ in range(_count(PARTNER_USERS_PER_AGENCY, staff_scale)):
            number += 1
            ids.append(_make(Role.PARTNER_AGENCY_USER, number, password=password, agency=agency).pk)
        staff.agency_users[agency.pk] = ids
        partners += ids
    staff.by_role[Role.PARTNER_AGENCY_USER] = partners
    return staff
