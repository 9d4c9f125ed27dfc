"""Run a benchmark in a database of its own, created for the run and dropped after it.

Shared by the benchmark scripts (run as `python benchmarks/<name>.py`, so this module is
importable beside them); Django must be configured but not yet set up.
"""

import os
import platform
import sys
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from psycopg import sql


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
    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {describe}"
    )
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
