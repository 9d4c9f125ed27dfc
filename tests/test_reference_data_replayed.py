"""A transactional test's flush empties every table; tests/conftest.py replays the data
migrations that hold reference data (listed in tests/reference_data.py). A new data migration
must be classified there, or the tests that run after a flush would meet a borough without its
new rows."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from tests.reference_data import NOT_REFERENCE_DATA, REFERENCE_DATA_MIGRATIONS

OUR_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(Path(settings.BASE_DIR)) and ".venv" not in config.path
}


def _data_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label not in OUR_APPS:
            continue
        if any(isinstance(op, migrations.RunPython) for op in migration.operations):
            yield app_label, name


def test_every_data_migration_is_either_replayed_after_a_flush_or_declared_not_reference_data():
    found = set(_data_migrations())
    classified = set(REFERENCE_DATA_MIGRATIONS) | set(NOT_REFERENCE_DATA)
    assert found - classified == set(), "classify these in tests/reference_data.py"
    assert classified - found == set(), "these are listed but hold no RunPython"


def test_the_replayed_migrations_run_in_the_order_they_were_written_within_each_app():
    by_app: dict[str, list[str]] = {}
    for app_label, name in REFERENCE_DATA_MIGRATIONS:
        by_app.setdefault(app_label, []).append(name)
    for names in by_app.values():
        assert names == sorted(names)
