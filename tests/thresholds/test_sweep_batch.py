"""The sweep: a constant number of queries per batch, one bad row logged and skipped.

A batch that fails is halved until the failing row is found (thresholds.sweep._write).
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import MessagePurpose, MessageTemplate, Notification, OutboundEmail
from accounts.roles import Role
from tests.factories import PersonFactory, complete_contact
from thresholds import services
from thresholds.models import ClockKind, Deadline

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
LATER = START + dt.timedelta(days=2)


def overdue_clocks(profile, officer, team, n: int, **kwargs) -> list[Deadline]:
    made = []
    for _ in range(n):
        contact = complete_contact(by=officer, children=[PersonFactory()])
        made.append(
            services.deadline_start(
                profile=profile,
                kind=ClockKind.RED_CHECKS,
                by=None,
                contact=contact,
                team=team,
                started_at=START,
                **kwargs,
            )
        )
    return made


def sweep_queries(now) -> tuple[int, services.SweepResult]:
    ContentType.objects.get_for_model(Notification)  # the cache, warm for both runs alike
    with CaptureQueriesContext(connection) as ctx:
        result = services.deadline_sweep(now=now)
    return len(ctx.captured_queries), result


def test_the_sweep_costs_the_same_queries_for_3_or_30_breached_clocks(
    camden, screening_officer, social_work_team, managers, django_capture_on_commit_callbacks
):
    overdue_clocks(camden, screening_officer, social_work_team, 3)
    few, first = sweep_queries(LATER)
    overdue_clocks(camden, screening_officer, social_work_team, 30)
    many, second = sweep_queries(LATER + dt.timedelta(hours=1))
    assert (first.breached, second.breached) == (3, 30)
    assert many == few
    # Each manager heard of each clock once, in the app and through the outbox.
    assert Notification.objects.filter(title__startswith="Overdue").count() == 33 * 2
    assert OutboundEmail.objects.filter(purpose="notification").count() == 33 * 2
    assert Deadline.objects.filter(breached_at__isnull=True).count() == 0
    reasons = Deadline.history.filter(history_change_reason__startswith="Deadline breached")
    assert reasons.count() == 33


def test_breach_and_due_soon_alerts_go_to_whoever_managers_for_names(
    camden, screening_officer, social_work_team, managers, mash_manager, senior_practitioner
):
    [team_clock] = overdue_clocks(camden, screening_officer, social_work_team, 1)
    [role_clock] = overdue_clocks(
        camden, screening_officer, None, 1, responsible_role=Role.MASH_MANAGER
    )
    services.deadline_sweep(now=LATER)
    for clock in (team_clock, role_clock):
        told = set(
            Notification.objects.filter(url=clock.contact.get_absolute_url()).values_list(
                "user", flat=True
            )
        )
        assert told == {m.pk for m in services.managers_for(clock)}
    assert services.managers_for(role_clock) == [mash_manager]


def test_a_clock_whose_notice_cannot_be_written_is_logged_and_skipped_and_the_batch_goes_on(
    camden, screening_officer, social_work_team, managers, caplog
):
    clocks = overdue_clocks(camden, screening_officer, social_work_team, 4)
    bad = clocks[1].contact
    # An administrator's edit that makes one clock's email subject too long to send.
    template = MessageTemplate.objects.get(purpose=MessagePurpose.NOTIFICATION)
    shipped = template.subject
    four_times = " ".join(["{{ title }}"] * 4)
    template.subject = f'{{% if "{bad.reference}" in title %}}{four_times}{{% endif %}}{shipped}'
    template.save()
    with caplog.at_level(logging.WARNING, logger="thresholds.sweep"):
        result = services.deadline_sweep(now=LATER)
    assert (result.breached, result.skipped) == (3, 1)
    assert f"clock {clocks[1].pk} skipped" in caplog.text
    assert "at most 200 characters" in caplog.text
    unmarked = Deadline.objects.filter(breached_at__isnull=True)
    assert list(unmarked) == [clocks[1]]
    assert Notification.objects.count() == 3 * 2
    assert OutboundEmail.objects.count() == 3 * 2
    # Mended, the next run catches it up, once.
    template.subject = shipped
    template.save()
    assert services.deadline_sweep(now=LATER).breached == 1
    assert services.deadline_sweep(now=LATER).breached == 0
    assert Notification.objects.count() == 4 * 2


@pytest.fixture
def refuse_one_update():
    """A database that refuses to update one clock row (a trigger): a real failed write."""

    def install(pk: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                CREATE FUNCTION refuse_clock() RETURNS trigger AS $$
                BEGIN
                  IF NEW.id = {int(pk)} THEN RAISE EXCEPTION 'clock % refused', NEW.id; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse_clock BEFORE UPDATE ON thresholds_deadline
                FOR EACH ROW EXECUTE FUNCTION refuse_clock();
                """
            )

    return install


def test_a_row_the_database_refuses_is_skipped_and_the_others_are_written(
    camden, screening_officer, social_work_team, managers, refuse_one_update, caplog
):
    clocks = overdue_clocks(camden, screening_officer, social_work_team, 3)
    refuse_one_update(clocks[2].pk)
    with caplog.at_level(logging.WARNING, logger="thresholds.sweep"):
        result = services.deadline_sweep(now=LATER)
    assert (result.breached, result.skipped) == (2, 1)
    assert f"clock {clocks[2].pk} refused" in caplog.text
    assert list(Deadline.objects.filter(breached_at__isnull=True)) == [clocks[2]]
    # The refused row's notices went back with it; the others' stand.
    assert Notification.objects.count() == 2 * 2
    assert (
        Deadline.history.filter(history_change_reason__startswith="Deadline breached").count() == 2
    )


def test_running_the_sweep_twice_changes_nothing(
    camden, screening_officer, social_work_team, managers
):
    overdue_clocks(camden, screening_officer, social_work_team, 3)
    services.deadline_sweep(now=LATER)
    history, notices = Deadline.history.count(), Notification.objects.count()
    assert services.deadline_sweep(now=LATER + dt.timedelta(minutes=1)) == services.SweepResult(
        due_soon=0, breached=0
    )
    assert (Deadline.history.count(), Notification.objects.count()) == (history, notices)
