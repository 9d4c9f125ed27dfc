"""Django's PostgreSQL backend, reading timestamps with psycopg's C loader.

Django (5.2) registers its own loader for `timestamptz` on every connection, a Python subclass
of psycopg's pure-Python loader that parses the text and then sets the connection's time zone
(`django.db.backends.postgresql.psycopg_any.BaseTzLoader`). psycopg's C loader (psycopg[binary])
parses the same text about eighteen times faster (0.3 against 5 µs a value on this project's
machines), and every page reads hundreds of timestamps: a queue's clock walk 400, a contact
page's history and clocks a few hundred.

Where Django keeps times in UTC (USE_TZ, no per-database TIME_ZONE), it sets the session's
TimeZone to UTC, and the C loader then gives the same values Django's does: aware datetimes
whose tzinfo is `datetime.timezone.utc` itself (`tests/core/test_timestamp_loader.py`). Only
then is it used; with any other time zone, or without the C implementation, this backend is
Django's own.
"""

import datetime as dt
from functools import lru_cache

from django.db.backends.postgresql import base as postgresql
from psycopg import adapt, postgres, pq
from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader

# The loader psycopg itself registers: the C one when psycopg[binary] is installed.
DefaultLoader = postgres.adapters.get_loader(postgres.types["timestamptz"].oid, pq.Format.TEXT)


class UtcTimestamptzLoader(adapt.Loader):
    """psycopg's C loader behind the `timezone` attribute Django's cursor code checks (Django
    re-registers its own loader on a cursor whose connection's loader names another zone)."""

    timezone = dt.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._loader = DefaultLoader(oid, context)
        # The C loader's own bound method: psycopg looks `load` up once per column and calls
        # it for each value with no Python frame of ours in between.
        self.load = self._loader.load

    def load(self, data):  # an adapt.Loader must have one; the instance's own is used
        return self._loader.load(data)


def fast_timestamps() -> bool:
    """Whether psycopg's C loader is installed (psycopg[binary]). It gives exactly Django's
    values only where the connection's time zone is UTC, which `get_connection_params`
    checks (Django sets it to UTC only where USE_TZ holds)."""
    return DefaultLoader is not PythonTimestamptzLoader


@lru_cache
def _adapters(template):
    """Django's adapters for the connection, with the C loader for timestamptz."""
    context = adapt.AdaptersMap(template)
    context.register_loader("timestamptz", UtcTimestamptzLoader)
    return context


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.timezone is dt.UTC and fast_timestamps() and "context" in params:
            params["context"] = _adapters(params["context"])
        return params
