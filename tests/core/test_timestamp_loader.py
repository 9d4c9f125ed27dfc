"""The PostgreSQL backend (core.postgresql) reads timestamps with psycopg's C loader, giving
exactly the values Django's own loader gives: aware datetimes in `datetime.timezone.utc`."""

import copy
import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg import postgres, pq

from core.postgresql.base import DatabaseWrapper, UtcTimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader"),
]

TIMESTAMPTZ = postgres.types["timestamptz"].oid
LITERALS = [
    "2026-11-30 17:26:24.194965+00",
    "2026-12-11 23:59:59+00",
    "2026-03-29 01:30:00+01",  # the hour the clocks go forward in London, given with an offset
    "2026-10-25 01:30:00.5+00",
    "1999-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _read(cursor) -> list:
    sql = "SELECT " + ", ".join(f"%s::timestamptz AS t{i}" for i in range(len(LITERALS)))
    cursor.execute(sql, LITERALS)
    return list(cursor.fetchone())


def test_the_connection_reads_timestamps_with_the_c_loader():
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, pq.Format.TEXT)

    assert connection.settings_dict["ENGINE"] == "core.postgresql"
    assert loader is UtcTimestamptzLoader
    assert type(loader(TIMESTAMPTZ).load).__module__ != UtcTimestamptzLoader.__module__


def test_every_timestamp_is_read_as_django_reads_it():
    with connection.cursor() as cursor:
        ours = _read(cursor)
        register_tzloader(connection.timezone, cursor.cursor)  # Django's own, on this cursor
        djangos = _read(cursor)

    assert ours == djangos
    assert [t.isoformat() for t in ours] == [t.isoformat() for t in djangos]
    assert all(t.tzinfo is dt.UTC for t in ours)


def test_times_read_through_the_orm_are_utc_aware(screening_officer):
    from accounts.models import User

    user = User.objects.get(pk=screening_officer.pk)
    read = User.objects.filter(pk=user.pk).values_list("date_joined", flat=True).get()

    assert user.date_joined == screening_officer.date_joined
    assert user.date_joined.tzinfo is dt.UTC
    assert read.tzinfo is dt.UTC


def test_a_database_kept_in_another_time_zone_keeps_djangos_loader():
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["TIME_ZONE"] = "Europe/London"
    wrapper = DatabaseWrapper(settings_dict, alias="london")

    context = wrapper.get_connection_params()["context"]
    loader = context.get_loader(TIMESTAMPTZ, pq.Format.TEXT)

    assert loader is not UtcTimestamptzLoader
    assert str(loader.timezone) == "Europe/London"
