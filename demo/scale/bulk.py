"""Loading an empty database without index upkeep: secondary indexes and foreign keys of the
tables the generator fills are dropped before the load and rebuilt after it.

Into an empty database most of a load's time is PostgreSQL's, not Python's: every row COPYed
updates each secondary index of its table, and every foreign key is checked row by row at the
batch's commit. Building an index over a loaded table, and validating a foreign key with one
join, cost a fraction of that. Only tables empty at the start are touched (reference data and
the staff just made keep theirs), primary keys and unique constraints stay (the loader's
`ON CONFLICT` and the services rely on them), and the definitions are PostgreSQL's own
(`pg_get_indexdef`, `pg_get_constraintdef`), so what is rebuilt is exactly what was dropped.
Used only when the database held no generated council (`demo.scale.generate`): a second run
adds to tables that have rows and keeps their indexes.
"""

import time
from collections.abc import Callable

from django.apps import apps
from django.db import connection, transaction
from psycopg import sql

# Apps whose tables the generator fills (and their history tables, in the same apps).
APPS = ("referrals", "mash", "early_help", "thresholds", "accounts")


def empty_tables() -> list[str]:
    """The tables of the generator's apps that hold no row yet."""
    names = sorted(
        {
            m._meta.db_table
            for m in apps.get_models()
            if m._meta.app_label in APPS and m._meta.managed and not m._meta.proxy
        }
    )
    empty = []
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name)))
            if not cursor.fetchone()[0]:
                empty.append(name)
    return empty


class LooseLoad:
    """Drops the secondary indexes and foreign keys of `tables`; `restore` rebuilds them."""

    def __init__(self, tables: list[str], report: Callable[[str], None]) -> None:
        self.tables = tables
        self.report = report
        self.indexes: list[tuple[str, str]] = []  # (name, CREATE INDEX …)
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, name, definition)

    def drop(self) -> None:
        if not self.tables:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            _check_pending(cursor)
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'f' "
                "AND c.conrelid = ANY (%s::text[]::regclass[]) ORDER BY 1, 2",
                [self.tables],
            )
            self.foreign_keys = list(cursor.fetchall())
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY (%s::text[]::regclass[]) "
                "AND NOT i.indisunique AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [self.tables],
            )
            self.indexes = list(cursor.fetchall())
            for table, name, _ in self.foreign_keys:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.SQL(table), sql.Identifier(name)
                    )
                )
            for name, _ in self.indexes:
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
        self.report(
            f"dropped {len(self.indexes)} indexes and {len(self.foreign_keys)} foreign keys "
            f"of {len(self.tables)} empty tables for the load"
        )

    def restore(self) -> None:
        """Rebuild what `drop` dropped (foreign keys validated against the loaded rows)."""
        if not (self.indexes or self.foreign_keys):
            return
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            _check_pending(cursor)
            for _, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
                    )
                )
        self.report(
            f"rebuilt {len(self.indexes)} indexes and {len(self.foreign_keys)} foreign keys "
            f"in {time.perf_counter() - started:.0f} s"
        )
        self.indexes, self.foreign_keys = [], []


def _check_pending(cursor) -> None:
    """Run the foreign-key checks still deferred in this transaction (rows written just before,
    in an enclosing transaction such as a test's): PostgreSQL refuses to drop or add a foreign
    key on a table with checks pending. Deferral is back on for what follows."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
