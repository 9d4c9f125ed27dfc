"""Sweeps never overlap: a sweep that finds another running returns at once (real connections)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from accounts.models import Notification
from thresholds import services, sweep

from .test_clock_concurrency import Worker
from .test_sweep_batch import LATER, overdue_clocks

pytestmark = pytest.mark.django_db(transaction=True)


def sweep_lock_held() -> bool:
    """Whether some connection holds the sweep's advisory lock in this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s",
            [sweep.SWEEP_LOCK >> 32, sweep.SWEEP_LOCK & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0] > 0


def wait_for_lock() -> None:
    for _ in range(200):
        if sweep_lock_held():
            return
        time.sleep(0.025)
    raise AssertionError("the first sweep never took the lock")


@pytest.fixture
def slow_marking():
    """Make each UPDATE of the clocks take two seconds (a trigger), so a sweep runs a while."""
    installed = []

    def install() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE FUNCTION slow_sweep() RETURNS trigger AS $$
                BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER slow_sweep BEFORE UPDATE ON thresholds_deadline
                FOR EACH STATEMENT EXECUTE FUNCTION slow_sweep();
                """
            )
        installed.append(True)

    yield install
    if installed:
        # A transactional test's tables are flushed afterwards, but a trigger would stay.
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER slow_sweep ON thresholds_deadline; DROP FUNCTION slow_sweep();"
            )


def test_a_sweep_while_another_runs_returns_at_once_and_marks_nothing(
    camden,
    screening_officer,
    social_work_team,
    managers,
    slow_marking,
):
    overdue_clocks(camden, screening_officer, social_work_team, 3)
    slow_marking()
    first = Worker(lambda: services.deadline_sweep(now=LATER))
    first.start()
    wait_for_lock()

    began = time.monotonic()
    second = services.deadline_sweep(now=LATER)
    took = time.monotonic() - began

    assert second == services.SweepResult(due_soon=0, breached=0, ran=False)
    assert took < 1.0  # the first sweep's marking alone takes two seconds
    assert first.outcome() == services.SweepResult(due_soon=0, breached=3)
    assert Notification.objects.count() == 3 * 2
    # The first sweep let go of the lock: the next one runs (and finds nothing).
    assert not sweep_lock_held()
    assert services.deadline_sweep(now=LATER) == services.SweepResult(due_soon=0, breached=0)


def test_a_sweep_inside_a_transaction_waits_for_no_one_and_lets_go_when_it_ends(
    camden,
    screening_officer,
    social_work_team,
    managers,
):
    overdue_clocks(camden, screening_officer, social_work_team, 2)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [sweep.SWEEP_LOCK])
            holding.set()
            release.wait(timeout=10)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [sweep.SWEEP_LOCK])

    holder = Worker(hold)
    holder.start()
    assert holding.wait(timeout=10)
    with transaction.atomic():
        assert services.deadline_sweep(now=LATER).ran is False
    release.set()
    holder.outcome()

    with transaction.atomic():
        assert services.deadline_sweep(now=LATER).breached == 2
        assert sweep_lock_held()  # a transaction lock, until the transaction ends
    assert not sweep_lock_held()
    assert services.deadline_sweep(now=LATER + dt.timedelta(minutes=1)).breached == 0
