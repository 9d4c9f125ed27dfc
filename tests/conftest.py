"""Personas and shared fixtures. Users get their roles through the same services production uses."""

import importlib

import pytest
from django.apps import apps

from accounts.models import AgencyKind, TeamKind
from accounts.roles import Role
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from thresholds.models import CouncilProfile

# Migrations whose RunPython writes reference data the service needs (profiles, thresholds,
# partner agencies, retention rules, message templates): a transactional test's flush empties
# them, so they are replayed in this order afterwards. Every RunPython migration must be listed
# here or in NOT_REFERENCE_DATA (tests/test_reference_data_replayed.py checks).
REFERENCE_DATA_MIGRATIONS = (
    ("thresholds", "0002_seed_profiles"),
    ("thresholds", "0005_profile_data"),
    ("thresholds", "0006_threshold_table"),
    ("thresholds", "0008_early_help_front_doors"),
    ("thresholds", "0009_adult_youth_and_domestic_abuse_services"),
    ("thresholds", "0011_councilprofile_la_code"),
    ("thresholds", "0013_councilprofile_service_name"),
    ("thresholds", "0015_screening_clock_from_receipt"),
    ("thresholds", "0016_disagreement_clock"),
    ("privacy", "0003_retention_rules_reviews_tombstones"),
    ("accounts", "0009_seed_message_templates"),
)
# Migrations that transform rows already there or that post_migrate re-creates (role and agency
# groups): nothing to replay after a flush.
NOT_REFERENCE_DATA = (
    ("accounts", "0002_seed_role_groups"),
    ("accounts", "0007_agency_groups"),
    ("early_help", "0003_copy_object_permissions"),
    ("mash", "0005_copy_object_permissions"),
    ("mash", "0009_strategy_discussions_disagreements_handovers_inbox_urgency"),
    ("referrals", "0003_recompute_matching_keys"),
    ("referrals", "0010_copy_object_permissions"),
    ("referrals", "0019_backfill_person_search_keys"),
    ("thresholds", "0010_deadline_closed_and_open_once"),
)


def _seed_profiles() -> None:
    """Reference data exactly as the data migrations ship it."""
    from django.db import migrations

    for app_label, name in REFERENCE_DATA_MIGRATIONS:
        module = importlib.import_module(f"{app_label}.migrations.{name}")
        for operation in module.Migration.operations:
            if isinstance(operation, migrations.RunPython):
                operation.code(apps, None)
    # Seeded with the real models, unlike the migration: no history rows, as after migrating.
    from accounts.models import MessageTemplate

    MessageTemplate.history.all().delete()


def _profile(code: str) -> CouncilProfile:
    profile = CouncilProfile.objects.filter(code=code).first()
    if profile is None:  # a transactional test's flush ran earlier in this session
        _seed_profiles()
        profile = CouncilProfile.objects.get(code=code)
    return profile


def _may_flush(item) -> bool:
    """pytest-django's own test: a transactional test empties every table when it ends."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test's flush empties every table; post_migrate brings back the role
    groups, and this brings back the data-migration rows the service needs (profiles)."""
    if _may_flush(request.node):
        request.getfixturevalue("transactional_db")
        _seed_profiles()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures are torn down by now), put the
    reference data back for the tests that follow, whatever order they run in."""
    yield
    if nextitem is None or not _may_flush(item):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _seed_profiles()


@pytest.fixture
def camden(db) -> CouncilProfile:
    return _profile("camden")


@pytest.fixture
def havering(db) -> CouncilProfile:
    return _profile("havering")


@pytest.fixture
def islington(db) -> CouncilProfile:
    return _profile("islington")


@pytest.fixture
def screening_team(db):
    return TeamFactory(name="Test screening team", kind=TeamKind.SCREENING)


@pytest.fixture
def social_work_team(db):
    return TeamFactory(name="Test children in need team", kind=TeamKind.SOCIAL_WORK)


@pytest.fixture
def police(db):
    return AgencyFactory(name="Test police", kind=AgencyKind.POLICE)


@pytest.fixture
def screening_officer(db, screening_team):
    return UserFactory(username="screener", roles=[Role.SCREENING_OFFICER], team=screening_team)


@pytest.fixture
def senior_practitioner(db, screening_team):
    return UserFactory(username="senior", roles=[Role.SENIOR_PRACTITIONER], team=screening_team)


@pytest.fixture
def mash_social_worker(db):
    return UserFactory(username="mashsw", roles=[Role.MASH_SOCIAL_WORKER])


@pytest.fixture
def mash_manager(db):
    return UserFactory(username="mashmgr", roles=[Role.MASH_MANAGER])


@pytest.fixture
def partner_user(db, police):
    return UserFactory(username="police", roles=[Role.PARTNER_AGENCY_USER], agency=police)


@pytest.fixture
def health_user(db):
    """A partner agency user from health: another agency than `partner_user`'s police."""
    health = AgencyFactory(name="Test health", kind=AgencyKind.HEALTH)
    return UserFactory(username="health", roles=[Role.PARTNER_AGENCY_USER], agency=health)


@pytest.fixture
def early_help_manager(db):
    return UserFactory(username="ehmgr", roles=[Role.EARLY_HELP_DUTY_MANAGER])


@pytest.fixture
def team_manager(db, social_work_team):
    return UserFactory(username="teammgr", roles=[Role.TEAM_MANAGER], team=social_work_team)


@pytest.fixture
def service_manager(db):
    """The service manager: every figure, the reports and the returns; reads every contact."""
    return UserFactory(username="servicemgr", roles=[Role.SERVICE_MANAGER])


@pytest.fixture
def social_worker(db, social_work_team):
    """An allocated social worker in a CSSW team (no front-door role)."""
    return UserFactory(username="socialworker", roles=[], team=social_work_team)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", roles=[])


@pytest.fixture
def family_worker(db, camden):
    """A family worker (early help worker) in Camden's Family Support Team."""
    from accounts.models import Team

    return UserFactory(
        username="famworker",
        roles=[Role.EARLY_HELP_WORKER],
        team=Team.objects.get(name="Family Support Team"),
        job_title="Family worker",
    )
