"""Tasks through the real Redis broker and a real Celery worker (no eager shortcut)."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import EmailStatus, Heartbeat, OutboundEmail
from accounts.services import notify
from accounts.tasks import beat_heartbeat
from tests.celery_helpers import real_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    with real_worker():
        yield


def test_notification_email_goes_through_redis_once(worker, social_worker):
    with transaction.atomic():
        notice = notify(
            user=social_worker,
            title="New contact C0000042 on a case allocated to you",
            url="/contacts/42/",
        )
    # The email goes through the outbox: its row about the notice is marked sent.
    email = OutboundEmail.objects.get(object_id=notice.pk, purpose="notification")
    assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).status == EmailStatus.SENT)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "New contact C0000042 on a case allocated to you"


def test_heartbeat_task_runs_on_a_worker_and_healthz_reports_beat(worker, client, settings):
    settings.HEALTHZ_TOKEN = "monitoring"
    beat_heartbeat.delay()
    assert wait_for(lambda: Heartbeat.objects.filter(name="beat").exists())
    body = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitoring").json()
    assert body["beat"]["stale"] is False
