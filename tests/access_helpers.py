"""Shared by the per-app access tables: the status each persona should get for a URL, and the
records the table's URLs point at, built once for the module (`shared_records`)."""

import inspect

import pytest
from django.db import transaction

from tests.personas import BUILDERS


def expect(
    allowed: set[str], *, readers: set[str] | None = None, otherwise: int = 403, ok: int = 200
):
    """ok for `allowed`; 403 for those who may read but not act; `otherwise` for the rest."""
    readers = readers or set()

    def status(persona: str) -> int:
        if persona == "anonymous":
            return 302
        if persona in allowed:
            return ok
        if persona in readers:
            return 403
        return otherwise

    return status


def with_fixtures(request, maker):
    """Call `maker` with the fixtures its parameters name (personas, profiles)."""
    params = inspect.signature(maker).parameters
    return maker(**{name: request.getfixturevalue(name) for name in params})


def check_row(request, client, records, persona, name, url, method, expectation) -> None:
    """One access-table row: `persona` (or nobody) opens `url(records)` and gets the status."""
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url(records))
    assert response.status_code == expectation(persona), f"{name} as {persona}"


class SharedWorld:
    """Personas (tests/personas.py) built once, inside a module's open transaction."""

    def __init__(self):
        self._made = {}

    def __contains__(self, name: str) -> bool:
        return name in self._made

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str):
        if name not in self._made:
            self._made[name] = BUILDERS[name](self)
        return self._made[name]

    def fresh(self, name: str):
        """The persona as this test's database has it: a test may change what it holds, and
        its change goes when the test's savepoint is rolled back; the object read here goes
        with it."""
        made = self._made[name]
        return type(made)._default_manager.get(pk=made.pk)


_worlds: list[SharedWorld] = []


def active_world() -> SharedWorld | None:
    """The world of the module whose records are being shared, if any (tests/conftest.py
    answers a persona fixture with it, so a test and the table's records agree on who
    `screening_officer` is)."""
    return _worlds[-1] if _worlds else None


def shared_records(maker, personas):
    """Two fixtures for a module's access table: `records_once` builds `maker`'s records and
    every one of `personas` once for the module, in a transaction rolled back when the module
    ends; `records` hands them to each test, inside the test's own savepoint (pytest-django's
    `db`), so what a test changes goes when it ends, as before. A table of hundreds of rows
    built its records for every row: most of the suite's time.

    `maker` may take only what tests/personas.py builds (personas, profiles, teams)."""
    wanted = set(inspect.signature(maker).parameters)
    unknown = wanted - set(BUILDERS)
    if unknown:
        raise TypeError(f"{maker.__name__} takes {sorted(unknown)}: not a persona to share")

    @pytest.fixture(scope="module")
    def records_once(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            world = SharedWorld()
            for persona in personas:
                if persona != "anonymous":
                    world[persona]
            made = maker(**{name: world[name] for name in wanted})
            _worlds.append(world)
            try:
                yield made
            finally:
                _worlds.pop()
                transaction.set_rollback(True)

    @pytest.fixture
    def records(records_once, db):
        return records_once

    return records_once, records
