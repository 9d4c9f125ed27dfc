"""The test personas and what they stand on (council profiles, teams, agencies).

Each is built by one function here, whichever way a test comes by it: as a fixture of the same
name (tests/conftest.py), or once for a whole module's access table (tests/access_helpers.py,
`shared_records`). A builder names what it stands on as attributes of `given`, which resolves
them the same way it resolved the persona itself.
"""

from accounts.models import AgencyKind, TeamKind
from accounts.roles import Role
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from tests.reference_data import seed_reference_data
from thresholds.models import CouncilProfile


def _profile(code: str) -> CouncilProfile:
    profile = CouncilProfile.objects.filter(code=code).first()
    if profile is None:  # a transactional test's flush ran earlier in this session
        seed_reference_data()
        profile = CouncilProfile.objects.get(code=code)
    return profile


def camden(given) -> CouncilProfile:
    return _profile("camden")


def havering(given) -> CouncilProfile:
    return _profile("havering")


def islington(given) -> CouncilProfile:
    return _profile("islington")


def screening_team(given):
    return TeamFactory(name="Test screening team", kind=TeamKind.SCREENING)


def social_work_team(given):
    return TeamFactory(name="Test children in need team", kind=TeamKind.SOCIAL_WORK)


def police(given):
    return AgencyFactory(name="Test police", kind=AgencyKind.POLICE)


def screening_officer(given):
    return UserFactory(
        username="screener", roles=[Role.SCREENING_OFFICER], team=given.screening_team
    )


def senior_practitioner(given):
    return UserFactory(
        username="senior", roles=[Role.SENIOR_PRACTITIONER], team=given.screening_team
    )


def mash_social_worker(given):
    return UserFactory(username="mashsw", roles=[Role.MASH_SOCIAL_WORKER])


def mash_manager(given):
    return UserFactory(username="mashmgr", roles=[Role.MASH_MANAGER])


def partner_user(given):
    return UserFactory(username="police", roles=[Role.PARTNER_AGENCY_USER], agency=given.police)


def health_user(given):
    """A partner agency user from health: another agency than `partner_user`'s police."""
    health = AgencyFactory(name="Test health", kind=AgencyKind.HEALTH)
    return UserFactory(username="health", roles=[Role.PARTNER_AGENCY_USER], agency=health)


def early_help_manager(given):
    return UserFactory(username="ehmgr", roles=[Role.EARLY_HELP_DUTY_MANAGER])


def team_manager(given):
    return UserFactory(username="teammgr", roles=[Role.TEAM_MANAGER], team=given.social_work_team)


def service_manager(given):
    """The service manager: every figure, the reports and the returns; reads every contact."""
    return UserFactory(username="servicemgr", roles=[Role.SERVICE_MANAGER])


def social_worker(given):
    """An allocated social worker in a CSSW team (no front-door role)."""
    return UserFactory(username="socialworker", roles=[], team=given.social_work_team)


def outsider(given):
    return UserFactory(username="outsider", roles=[])


def family_worker(given):
    """A family worker (early help worker) in Camden's Family Support Team."""
    from accounts.models import Team

    given.camden  # noqa: B018 - the team is Camden's reference data
    return UserFactory(
        username="famworker",
        roles=[Role.EARLY_HELP_WORKER],
        team=Team.objects.get(name="Family Support Team"),
        job_title="Family worker",
    )


BUILDERS = {
    build.__name__: build
    for build in (
        camden,
        havering,
        islington,
        screening_team,
        social_work_team,
        police,
        screening_officer,
        senior_practitioner,
        mash_social_worker,
        mash_manager,
        partner_user,
        health_user,
        early_help_manager,
        team_manager,
        service_manager,
        social_worker,
        outsider,
        family_worker,
    )
}
