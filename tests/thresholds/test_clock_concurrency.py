"""Clocks under concurrency, with real separate database connections (one per thread)."""

import datetime as dt
import threading
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from accounts.models import Notification
from accounts.roles import Role
from tests.factories import PersonFactory, UserFactory, complete_contact
from thresholds import services
from thresholds.models import ClockKind, Deadline

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


class Worker(threading.Thread):
    """Runs `fn` on its own database connection and keeps its result or error."""

    def __init__(self, fn: Callable):
        super().__init__(daemon=True)
        self.fn, self.result, self.error = fn, None, None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            connection.close()

    def outcome(self):
        self.join(timeout=30)
        assert not self.is_alive(), "the worker hung"
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_waiting_on_a_lock(pid: int) -> None:
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second start never waited on the first")


def test_two_identical_clock_starts_at_once_give_one_clock_and_no_error(camden, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])

    def begin():
        return services.deadline_start(
            profile=camden, kind=ClockKind.RED_CHECKS, by=None, contact=contact, started_at=START
        )

    first_inserted, second_pid = threading.Event(), {}

    def first():
        with transaction.atomic():
            deadline = begin()
            first_inserted.set()
            # Commit only once the second start is blocked on our uncommitted row: both
            # have looked for a running clock, found none, and inserted.
            while "pid" not in second_pid:
                time.sleep(0.01)
            wait_until_waiting_on_a_lock(second_pid["pid"])
        return deadline

    def second():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        assert first_inserted.wait(10)
        second_pid["pid"] = pid
        return begin()

    workers = [Worker(first), Worker(second)]
    for w in workers:
        w.start()
    a, b = (w.outcome() for w in workers)
    assert a.pk == b.pk
    assert Deadline.objects.count() == 1


def test_two_sweeps_at_once_mark_and_notify_each_breached_clock_exactly_once(
    camden, screening_officer, social_work_team, monkeypatch
):
    managers = [UserFactory(roles=[Role.TEAM_MANAGER], team=social_work_team) for _ in range(2)]
    for _ in range(12):
        services.deadline_start(
            profile=camden,
            kind=ClockKind.RED_CHECKS,
            by=None,
            contact=complete_contact(by=screening_officer, children=[PersonFactory()]),
            team=social_work_team,
            started_at=START,
        )
    # Small batches, so the two sweeps take turns claiming rows.
    monkeypatch.setattr("thresholds.sweep.BATCH", 3)
    ready = threading.Barrier(2)
    now = START + dt.timedelta(days=2)

    def sweep():
        ready.wait(10)
        return services.deadline_sweep(now=now)

    workers = [Worker(sweep), Worker(sweep)]
    for w in workers:
        w.start()
    results = [w.outcome() for w in workers]
    assert sum(r.breached for r in results) == 12
    assert not Deadline.objects.filter(breached_at__isnull=True).exists()
    breaches = Deadline.history.filter(history_change_reason__startswith="Deadline breached")
    assert breaches.count() == 12
    for manager in managers:
        titles = list(
            Notification.objects.filter(user=manager, title__startswith="Overdue").values_list(
                "url", flat=True
            )
        )
        assert len(titles) == len(set(titles)) == 12
