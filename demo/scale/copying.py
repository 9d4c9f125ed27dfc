"""Rows for many tables, buffered in Python and written with PostgreSQL COPY.

The generator makes millions of rows across some thirty tables. `Model.save()` (with its
history row and permission checks) costs about a millisecond a row; COPY costs microseconds.
Each `Table` knows its model's columns and what Django would put in a column nobody names
(the field's default, `""` for text, NULL where allowed, now for `auto_now`), so the generator
names only the columns it means, and a field another change adds to a model is filled the way
Django fills it rather than breaking the load. History tables are tables of their own
(`Table(Model.history.model)`), written by the same code.
"""

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from psycopg import sql

NOW_FIELDS = (models.DateTimeField, models.DateField)


def _default(field: models.Field, now: dt.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now if isinstance(field, models.DateTimeField) else now.date()
    if field.has_default():
        value = field.get_default()
        return json.dumps(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    return None  # required and no default: the generator must name it (COPY refuses NULL)


class Table:
    """One model's rows waiting to be copied, with the next primary key to hand out."""

    def __init__(self, model: type[models.Model], *, now: dt.datetime) -> None:
        self.model = model
        self.history = hasattr(model, "instance_type")  # simple-history's historical models
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self.json = {
            self.position[f.attname] for f in self.fields if isinstance(f, models.JSONField)
        }
        self.template = [_default(f, now) for f in self.fields]
        self.pk = model._meta.pk.attname
        # A history table's key is its own (`history_id`, an identity column): COPY leaves it
        # to PostgreSQL, so rows copied and rows inserted from the live table share it.
        self.copied = [i for i, f in enumerate(self.fields) if not (self.history and f.primary_key)]
        self.rows: list[list[Any]] = []
        self.next_id = 1
        self.written = 0

    def start_ids_after(self, cursor) -> None:
        """Hand out primary keys after the largest one already in the table."""
        cursor.execute(
            sql.SQL("SELECT COALESCE(MAX({}), 0) FROM {}").format(
                sql.Identifier(self.model._meta.pk.column),
                sql.Identifier(self.model._meta.db_table),
            )
        )
        self.next_id = cursor.fetchone()[0] + 1

    def add(self, **values: Any) -> int:
        """Buffer one row; returns its primary key (given, or the next free one)."""
        row = self.template.copy()
        if self.pk not in values:
            values[self.pk] = self.next_id
        self.next_id = max(self.next_id, values[self.pk] + 1)
        for name, value in values.items():
            row[self.position[name]] = value
        for i in self.json:
            if not isinstance(row[i], str) and row[i] is not None:
                row[i] = json.dumps(row[i])
        self.rows.append(row)
        return values[self.pk]

    def flush(self, cursor) -> int:
        """COPY the buffered rows; returns how many."""
        if not self.rows:
            return 0
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(self.columns[i]) for i in self.copied),
        )
        copied = self.copied
        every = len(copied) == len(self.columns)
        with cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row if every else [row[i] for i in copied])
        count = len(self.rows)
        self.written += count
        self.rows = []
        return count


class Loader:
    """Every table the generator writes, flushed together every batch, with a rate report."""

    def __init__(self, *, now: dt.datetime, report: Callable[[str], None]) -> None:
        self.now = now
        self.report = report
        self.tables: dict[type[models.Model], Table] = {}
        self.historical: dict[type[models.Model], type[models.Model]] = {}
        # model -> (id, history_date, history_user_id, reason, history_type) of history rows
        # that repeat the row as written: inserted from the table once it is loaded.
        self.repeats: dict[type[models.Model], list[tuple]] = {}
        self.started = time.perf_counter()

    def __getitem__(self, model: type[models.Model]) -> Table:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = Table(model, now=self.now)
            with connection.cursor() as cursor:
                table.start_ids_after(cursor.cursor)
        return table

    def history(self, model: type[models.Model]) -> Table:
        # `Model.history` builds a manager on every access (half a millisecond): look it up once.
        historical = self.historical.get(model)
        if historical is None:
            historical = self.historical[model] = model.history.model
        return self[historical]

    def history_of(
        self,
        model: type[models.Model],
        pk: int,
        *,
        at: dt.datetime,
        by: int | None,
        reason: str,
        kind: str = "+",
    ) -> None:
        """A history row holding the row `pk` exactly as it is written (its creation, or a
        change after which nothing changed): built in SQL from the loaded row at `flush`, not
        in Python (half the generator's rows are history)."""
        spec = (pk, at, by, reason[:300], kind)
        rows = self.repeats.get(model)
        if rows is None:
            rows = self.repeats[model] = []
            self.history(model)  # its table is known (ids, sequence reset, counts)
        rows.append(spec)

    def _insert_repeats(self, cursor) -> None:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS scale_history_spec (id bigint, "
            "history_date timestamptz, history_user_id bigint, reason text, kind varchar(1))"
        )
        for model, specs in self.repeats.items():
            if not specs:
                continue
            cursor.execute("TRUNCATE scale_history_spec")
            with cursor.copy("COPY scale_history_spec FROM STDIN") as copy:
                for spec in specs:
                    copy.write_row(spec)
            history = self.history(model)
            live = {f.column for f in model._meta.concrete_fields}
            from_spec = {
                "history_date": "s.history_date",
                "history_user_id": "s.history_user_id",
                "history_change_reason": "s.reason",
                "history_type": "s.kind",
            }
            columns, values = [], []
            for i in history.copied:
                column = history.columns[i]
                columns.append(sql.Identifier(column))
                if column in from_spec:
                    values.append(sql.SQL(from_spec[column]))
                elif column in live:
                    values.append(sql.SQL("t.{}").format(sql.Identifier(column)))
                else:
                    raise ValueError(f"{history.model.__name__}.{column} is not in {model}")
            ids = [spec[0] for spec in specs]
            pk = sql.Identifier(model._meta.pk.column)
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} ({}) SELECT {} FROM scale_history_spec s JOIN {} t "
                    "ON t.{} = s.id WHERE t.{} BETWEEN %s AND %s ORDER BY s.history_date, s.id"
                ).format(
                    sql.Identifier(history.model._meta.db_table),
                    sql.SQL(", ").join(columns),
                    sql.SQL(", ").join(values),
                    sql.Identifier(model._meta.db_table),
                    pk,
                    pk,
                ),
                [min(ids), max(ids)],
            )
            history.written += cursor.rowcount
            specs.clear()

    def flush(self, what: str = "") -> None:
        """COPY every buffered row (parents before children: tables were first used in that
        order), insert the history rows that repeat them, and print the rows written so far
        and the rate."""
        with connection.cursor() as cursor:
            for table in self.tables.values():
                table.flush(cursor.cursor)
            self._insert_repeats(cursor.cursor)
        total = sum(t.written for t in self.tables.values())
        elapsed = time.perf_counter() - self.started
        if what:
            self.report(
                f"{what}: {total:,} rows in {elapsed:.0f} s ({total / elapsed:,.0f} rows/s)"
            )

    def counts(self) -> dict[str, int]:
        return {t.model._meta.db_table: t.written for t in self.tables.values() if t.written}

    def finish(self, also: Iterable[type[models.Model]] = ()) -> None:
        """Reset the sequences of every table written (COPY gave explicit keys), then VACUUM
        ANALYZE them: a council's tables in service have been vacuumed by autovacuum, whose
        visibility map lets a queue's count or a dashboard be read from an index alone; a table
        just loaded has none, and its plans would not be the service's. (Inside a transaction,
        as in a test, only ANALYZE can run.)

        Then every other table that has no statistics yet (the staff, their groups, the
        clocks' tally: written through the ORM, not loaded here), which autovacuum would have
        analysed in service too: without statistics PostgreSQL guesses, and a guess about a
        small table can still choose a bad plan for a large join."""
        written = [t.model for t in self.tables.values() if t.written] + list(also)
        analyse = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(statement)
            for model in written:
                cursor.execute(f'{analyse} "{model._meta.db_table}"')
            cursor.execute(
                """SELECT t.tablename FROM pg_tables t
                WHERE t.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_stats s
                                  WHERE s.schemaname = t.schemaname
                                    AND s.tablename = t.tablename)"""
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f'{analyse} "{table}"')
