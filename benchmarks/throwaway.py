"""Run a benchmark in a database of its own, created for the run and dropped after it.

Shared by the benchmark scripts (run as `python benchmarks/<name>.py`, so this module is
importable beside them); Django must be configured but not yet set up.
"""

import contextlib
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql


def machine() -> str:
    """The machine a benchmark ran on, for its header: the CPU model and a fixed Python loop's
    time (`sum(range(10**6))`, best of five), so that runs on different machines can be told
    apart and scaled (benchmarks/README.md: session 10's machine took about three times the CPU
    of session 8's for the same page, 23 ms for the loop)."""
    import timeit

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f" ({line.split(':', 1)[1].strip()})"
                break
    loop = min(timeit.repeat("sum(range(10**6))", number=5, repeat=5)) / 5 * 1000
    return (
        f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"CPUs{model}, Python {platform.python_version()}; a fixed Python loop {loop:.1f} ms"
    )


def server_connection(db: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )


def recreate_database(db: dict, name: str, *, drop_only: bool = False) -> None:
    with server_connection(db) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_in_throwaway_database(
    *, db_name: str, keep: bool, describe: str, run: Callable[[], int]
) -> int:
    """Print the machine, (re)create `db_name`, set Django up on it, return `run()`'s exit code,
    then drop the database unless `keep`."""
    import django

    db = dict(settings.DATABASES["default"])
    if "postgresql" not in db["ENGINE"]:
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL or use the test settings.")
    print(f"{machine()}, {describe}")
    recreate_database(db, db_name)
    settings.DATABASES["default"]["NAME"] = db_name
    started = time.perf_counter()
    try:
        django.setup()
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            recreate_database(db, db_name, drop_only=True)
        print(f"total {time.perf_counter() - started:.0f} s")
