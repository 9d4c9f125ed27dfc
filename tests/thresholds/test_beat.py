"""Beat and a worker, on the real Redis broker, enforce a breached deadline exactly once."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from contact_service.celery import app
from tests.celery_helpers import real_worker, wait_for
from tests.factories import PersonFactory, UserFactory, complete_contact
from thresholds import services
from thresholds.models import ClockKind, Deadline

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_and_beat(tmp_path):
    assert "deadline-sweep" in app.conf.beat_schedule
    with real_worker(beat_schedule_file=str(tmp_path / "beat-schedule")):
        yield


def test_beat_marks_a_breached_deadline_and_notifies_exactly_once(
    worker_and_beat, camden, screening_officer, social_work_team
):
    manager = UserFactory(username="cinmgr", roles=[Role.TEAM_MANAGER], team=social_work_team)
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    deadline = services.deadline_start(
        profile=camden,
        kind=ClockKind.RED_CHECKS,
        by=None,
        contact=contact,
        team=social_work_team,
        started_at=timezone.now() - dt.timedelta(hours=5),
    )
    assert wait_for(lambda: Deadline.objects.get(pk=deadline.pk).breached_at is not None)
    assert wait_for(lambda: len(mail.outbox) == 1)
    # Beat sweeps every second here: let several more sweeps run over the same clock.
    time.sleep(3.5)
    deadline.refresh_from_db()
    sweeps_marking_it = deadline.history.filter(
        history_change_reason__startswith="Deadline breached"
    )
    assert sweeps_marking_it.count() == 1
    assert Notification.objects.filter(user=manager, title__startswith="Overdue").count() == 1
    assert len(mail.outbox) == 1
    assert contact.reference in mail.outbox[0].subject
