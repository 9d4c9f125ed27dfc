"""Database helpers shared by the apps."""

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, Lookup, QuerySet


def model_columns(model, quote, alias: str = "") -> tuple[list[str], list[str]]:
    """A model's concrete columns for a fixed SELECT (quoted, under `alias` if given) and the
    attribute names `Model.from_db` takes them by, in the same order."""
    fields = model._meta.concrete_fields
    prefix = f"{alias}." if alias else ""
    return [f"{prefix}{quote(f.column)}" for f in fields], [f.attname for f in fields]


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
        no_parallel_workers()
        yield


def no_parallel_workers(using: str = DEFAULT_DB_ALIAS) -> None:
    """The rest of the transaction open on `using` plans without parallel workers (`SET
    LOCAL`). PostgreSQL's setting: the embedded demo's SQLite (`make run`) has none."""
    on = connections[using]
    if on.vendor == "postgresql":
        with on.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


K = TypeVar("K")


def which_exist(anchor: QuerySet, candidates: Mapping[K, QuerySet]) -> set[K]:
    """The keys of `candidates` whose queryset has a row, asked in one query (an EXISTS each)
    over the one row of `anchor`; a candidate may refer to that row with OuterRef("pk"). For a
    page that shows several kinds of related record most of its records have none of: it reads
    only the kinds this one has."""
    if not candidates:
        return set()
    columns = {key: f"exists_{i}" for i, key in enumerate(candidates)}
    row = anchor.values(**{columns[key]: Exists(qs) for key, qs in candidates.items()}).get()
    return {key for key in candidates if row[columns[key]]}


def exists_columns(candidates: Mapping[str, QuerySet]) -> dict[str, Exists]:
    """`which_exist` folded into the read of the one row a page makes anyway: annotations
    (`has_<key>`, an EXISTS each; a candidate refers to the row with OuterRef("pk")) for that
    read's queryset, read back by `present`. No query of its own."""
    return {f"has_{key}": Exists(qs) for key, qs in candidates.items()}


def present(row: object, keys: Iterable[str]) -> set[str]:
    """Which of `keys` a row read with `exists_columns` has records of."""
    return {key for key in keys if getattr(row, f"has_{key}")}


class AnyOf(Lookup):
    """`field__any=[ids]`: the field is one of a list of integer ids, as one array parameter
    on PostgreSQL (`= ANY(%s::bigint[])`) instead of `IN (%s, %s, ...)` with one parameter an
    id. Django compiles each of an IN list's ids, and psycopg parses a statement afresh (in
    Python) whenever it has more than 50 parameters or 4 KB of text: a person page's
    chronology asked its sources about the person's 54 contacts in six such statements,
    2-4 ms of parsing alone (benchmarks/README.md, session 23). With one parameter the statement's text is the same whatever
    the list, and psycopg's cache of parsed statements keeps it. Other databases (SQLite, for
    `make run`) get the IN list. Registered on every field in CoreConfig.ready."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)
