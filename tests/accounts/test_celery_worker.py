"""Tasks through the real Redis broker and a real Celery worker (no eager shortcut)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Heartbeat, Notification
from accounts.services import notify
from accounts.tasks import beat_heartbeat
from contact_service.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    assert app.conf.broker_url.startswith("redis://"), "the suite must use the real Redis broker"
    app.conf.task_always_eager = False
    app.loader.import_module("celery.contrib.testing.tasks")
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_notification_email_goes_through_redis_once(worker, social_worker):
    with transaction.atomic():
        notice = notify(
            user=social_worker,
            title="New contact C0000042 on a case allocated to you",
            url="/contacts/42/",
        )
    assert wait_for(lambda: Notification.objects.get(pk=notice.pk).emailed_at is not None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "New contact C0000042 on a case allocated to you"


def test_heartbeat_task_runs_on_a_worker_and_healthz_reports_beat(worker, client):
    beat_heartbeat.delay()
    assert wait_for(lambda: Heartbeat.objects.filter(name="beat").exists())
    body = client.get(reverse("healthz")).json()
    assert body["beat"]["stale"] is False
