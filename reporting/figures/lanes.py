"""Running the figures' queries on several database connections at once, as of one snapshot.

The figures of a period are a score of independent aggregates. On PostgreSQL they can run on
`settings.MI_CONNECTIONS` connections at once (the request's own and one thread per other
connection) and still count the same rows: the request's transaction is REPEATABLE READ and
exports its snapshot (`pg_export_snapshot()`), and every other connection imports it (`SET
TRANSACTION SNAPSHOT`) before its first query, as `pg_dump --jobs` does. Every figure then
sees the database as it was at one instant, whichever connection counted it.

Elsewhere they run one after another on the request's connection: on SQLite (the embedded
database of `make run`), with one connection configured, and inside a transaction that was
already open (a test's, or a caller's): another connection cannot see rows that transaction
has written and not committed, and PostgreSQL cannot export a snapshot from a savepoint.
"""

import contextvars
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone, translation

from core.db import no_parallel_workers

logger = logging.getLogger(__name__)
Jobs = dict[str, Callable[[], object]]
Runner = Callable[[Jobs], dict[str, object]]
# What pg_export_snapshot() returns: hex words joined by hyphens ("00000003-0000001B-1").
_SNAPSHOT_ID = re.compile(r"^[0-9A-Fa-f-]+$")


@contextmanager
def reporting_transaction(using: str, *, at_once: int | None = None) -> Iterator[Runner]:
    """A transaction on `using` for the figures, under their settings, and what runs their jobs:
    across `at_once` connections (default `settings.MI_CONNECTIONS`) where that can be done
    as of one snapshot, one after another where not."""
    connection = connections[using]
    at_once = settings.MI_CONNECTIONS if at_once is None else at_once
    shared = at_once > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if shared:
            with connection.cursor() as cursor:
                # First, before any query takes the transaction's snapshot.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reporting_settings(using, lanes=shared)
        if not shared:
            yield _serially
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        yield lambda jobs: _across(jobs, using=using, snapshot=snapshot, at_once=at_once)


def reporting_settings(using: str, *, lanes: bool = False) -> None:
    """PostgreSQL settings for this transaction's aggregates: sorts of a year's clocks fit in
    memory (work_mem), and no JIT compilation, which costs more than these queries take
    (benchmarks/mi_benchmark.py measured a third of a second of it on one query).

    On `lanes` (the figures' connections, when they run at once) no parallel workers either:
    the lanes already keep the cores busy, and each query's own workers only shared them with
    the other lane and cost their start (a year on the full-size council, two lanes: 1.10 s
    without, 1.22-1.27 s with, alternately on a quiet machine; benchmarks/README.md)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        if lanes:
            no_parallel_workers(using)


def _serially(jobs: Jobs) -> dict[str, object]:
    return {name: job() for name, job in jobs.items()}


def _across(jobs: Jobs, *, using: str, snapshot: str, at_once: int) -> dict[str, object]:
    """Every job run once, by whichever connection is free next: this thread's, and one thread
    per other connection. `jobs` come slowest first, so the longest do not start last."""
    if not _SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    waiting = deque(jobs.items())
    done: dict[str, object] = {}
    failed: list[BaseException] = []

    def work() -> None:
        while not failed:
            try:
                name, job = waiting.popleft()
            except IndexError:
                return
            try:
                done[name] = job()
            except BaseException as exc:  # noqa: BLE001 - raised again by the request's thread
                failed.append(exc)

    zone, language = timezone.get_current_timezone(), translation.get_language()

    def lane() -> None:
        connection = connections[using]
        try:
            try:
                connection.ensure_connection()
            except DatabaseError:
                # No connection to be had (the server's max_connections): the request's own
                # connection does this lane's share, as it would on one connection.
                logger.warning("MI figures: a lane could not connect", exc_info=True)
                return
            with (
                timezone.override(zone),
                translation.override(language),
                transaction.atomic(using=using),
            ):
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                reporting_settings(using, lanes=True)
                work()
        except BaseException as exc:  # noqa: BLE001 - raised again by the request's thread
            failed.append(exc)
        finally:
            # A thread's connection is its own: closed here, or it stays open until the server
            # notices the thread has gone.
            connection.close()

    # Each thread runs in a copy of the request's context, so anything it notes in the
    # request's read log (accounts.reads) is written with the request's.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(lane,), daemon=True)
        for _ in range(at_once - 1)
    ]
    for thread in threads:
        thread.start()
    try:
        work()
    finally:
        for thread in threads:
            thread.join()
    if failed:
        raise failed[0]
    return {name: done[name] for name in jobs}
