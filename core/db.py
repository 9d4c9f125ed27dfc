"""Database helpers shared by the apps."""

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import connection
from django.db.backends.utils import CursorWrapper


@contextlib.contextmanager
def server_bound_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose parameters PostgreSQL binds, for statements with large array parameters.

    Django's psycopg cursors bind on the client, quoting every element of a list into the
    SQL text in Python: for a set-based statement over 20,000 rows that costs more than the
    statement. This is psycopg's own cursor, on the same connection and transaction, wrapped
    as Django wraps its cursors (query logging, execute wrappers). Give types where the
    server cannot infer them (`%(ids)s::bigint[]`, `%(title)s::text`).
    """
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    try:
        yield wrap(raw)
    finally:
        raw.close()
