"""Database helpers shared by the apps."""

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import connection, transaction
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


@contextlib.contextmanager
def without_parallel_workers() -> Iterator[None]:
    """Reads in here plan without parallel workers, for a read that stops after a page.

    Starting workers costs more (10-40 ms on a busy two-core server) than walking an index to
    a page's rows, and the planner, costing the whole walk rather than the page, starts them.
    A transaction of its own (`SET LOCAL`); inside a caller's transaction the setting lasts
    until that one ends: pages run in autocommit.
    """
    with transaction.atomic():
        # PostgreSQL's setting; the embedded demo's SQLite (`make run`) has no parallel workers.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
