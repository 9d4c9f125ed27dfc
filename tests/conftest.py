"""Personas and shared fixtures. Users get their roles through the same services production uses."""

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from tests.access_helpers import active_world
from tests.mash.reopening import disagreed_case
from tests.personas import BUILDERS
from tests.reference_data import seed_reference_data


def _flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """A transactional test's flush as DELETEs in one transaction, not one TRUNCATE: the test
    leaves a few rows in each of some 180 tables, and truncating them makes new files for every
    table and index (1.2-2 s a test, against 0.2 s). Every foreign key is deferrable (Django
    makes them so; tests/test_flush_by_delete.py checks), and the only triggers are the clocks',
    which write to the clocks' tally (thresholds.tally): the tally is emptied after the clocks,
    and otherwise the order of the deletes does not matter."""
    if reset_sequences or allow_cascade:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    if not tables:
        return []
    tables = sorted(tables, key=lambda table: table in TRIGGER_FED)
    return ["SET CONSTRAINTS ALL DEFERRED"] + [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]


# Tables that triggers on other tables write to (tests/test_flush_by_delete.py checks).
TRIGGER_FED = {"thresholds_deadlinetally"}


_truncate = PostgresOperations.sql_flush
PostgresOperations.sql_flush = _flush_by_delete


def _may_flush(item) -> bool:
    """pytest-django's own test: a transactional test empties every table when it ends."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.fixture(autouse=True, scope="session")
def _form_widgets_checked_against_djangos_templates():
    """Every widget any test renders (views, forms, the browser tests' live server) is
    rendered by Django's templates as well, and must match the service's fast renderer
    character for character (tests/core/form_renderer_check.py)."""
    from django.conf import settings
    from django.forms.renderers import get_default_renderer

    service_renderer = settings.FORM_RENDERER
    settings.FORM_RENDERER = "tests.core.form_renderer_check.CheckedFastDjangoTemplates"
    get_default_renderer.cache_clear()
    yield
    settings.FORM_RENDERER = service_renderer
    get_default_renderer.cache_clear()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test's flush empties every table; post_migrate brings back the role
    groups, and this brings back the data-migration rows the service needs (profiles)."""
    if _may_flush(request.node):
        request.getfixturevalue("transactional_db")
        seed_reference_data()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures are torn down by now), put the
    reference data back for the tests that follow, whatever order they run in."""
    yield
    if nextitem is None or not _may_flush(item):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        seed_reference_data()


def _persona_fixture(name, build):
    """The fixture `name`: built by tests/personas.py, or the one a module built for its whole
    access table (tests/access_helpers.py, shared_records), read afresh for this test."""

    def fixture(request, db):
        world = active_world()
        if world is not None and name in world:
            return world.fresh(name)
        return build(_Given(request))

    fixture.__name__ = name
    fixture.__doc__ = build.__doc__
    return pytest.fixture(fixture)


class _Given:
    """What a persona stands on, as the fixtures of those names."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


for _name, _build in BUILDERS.items():
    globals()[_name] = _persona_fixture(_name, _build)


@pytest.fixture
def disagreed(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    """(The MASH reopening tests and the returns' withdrawn-referral test.) Make a decided case (`next_step`, referring to `team`) the police disagree with: the
    enquiry, the disagreement and the police user."""

    def make(next_step="social_work_referral", team=None):
        return disagreed_case(
            next_step=next_step,
            profile=havering,
            officer=screening_officer,
            senior=senior_practitioner,
            manager=mash_manager,
            worker=mash_social_worker,
            team=team,
        )

    return make
