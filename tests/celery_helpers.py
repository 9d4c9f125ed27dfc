"""A real Celery worker (and optionally beat) on the test suite's Redis broker."""

import contextlib
import logging
import time

from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from django.db import connection

from contact_service.celery import app


@contextlib.contextmanager
def real_worker(*, beat_schedule_file: str | None = None, purge: bool = True):
    """Run tasks through Redis on a worker thread; with a schedule file, run beat too.
    `purge=False` keeps tasks queued before the worker started (a test that shows work
    waiting for a worker, then starts one)."""
    assert app.conf.broker_url.startswith("redis://"), "the suite must use the real Redis broker"
    app.conf.task_always_eager = False
    app.loader.import_module("celery.contrib.testing.tasks")
    if purge:
        app.control.purge()
    beat = None
    # The worker sets up logging as a worker process would (the root logger's level to its
    # own, its handlers replaced); put the test process's logging back when it stops.
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            if beat_schedule_file:
                beat = EmbeddedService(
                    app, thread=True, schedule_filename=beat_schedule_file, max_interval=0.5
                )
                beat.start()
            yield
            if beat is not None:
                beat.stop()
    finally:
        app.conf.task_always_eager = True
        root.setLevel(root_level)
        root.handlers[:] = root_handlers
        # The worker thread's database connection outlives it; close it so the test
        # database can be flushed and dropped.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def wait_for(predicate, timeout: float = 20.0) -> bool:
    """Poll until predicate() is true or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
