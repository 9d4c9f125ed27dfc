"""/healthz tells up from degraded from down (which check failed only to administrators and
the monitoring token); production refuses to start without a broker."""

import datetime as dt
import logging
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Heartbeat
from accounts.roles import Role
from accounts.services import heartbeat_record
from contact_service.celery import app
from tests.factories import UserFactory
from tests.settings_helpers import load_production_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_down():
    original = app.conf.broker_url
    # Nothing listens on port 1: a real refused connection, not a mock.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    app.conf.broker_url = original


@pytest.fixture
def monitor(settings):
    """A monitoring system's request headers, with the token set in the settings."""
    settings.HEALTHZ_TOKEN = "a-monitoring-token-for-this-test"
    return {"HTTP_AUTHORIZATION": "Bearer a-monitoring-token-for-this-test"}


def test_healthz_is_ok_when_database_broker_and_beat_all_answer(client, db, monitor):
    heartbeat_record(name="beat")
    response = client.get(reverse("healthz"), **monitor)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["broker"], body["beat"]["stale"]) == ("ok", "ok", False)
    assert body["problems"] == []


def test_the_public_sees_only_the_status_not_which_check_failed(client, db, broker_down):
    heartbeat_record(name="beat")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_or_missing_token_sees_only_the_status(client, db, monitor):
    heartbeat_record(name="beat")
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer not-the-token"},
        {"HTTP_AUTHORIZATION": "a-monitoring-token-for-this-test"},
        {"HTTP_AUTHORIZATION": "Basic a-monitoring-token-for-this-test"},
    ):
        assert client.get(reverse("healthz"), **headers).json() == {"status": "ok"}, headers


def test_no_token_is_accepted_when_none_is_set(client, db, settings):
    settings.HEALTHZ_TOKEN = ""
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer ")
    assert response.json() == {"status": "degraded"}


def test_a_signed_in_administrator_sees_the_details_and_other_staff_do_not(
    client, db, screening_officer, service_manager
):
    heartbeat_record(name="beat")
    for user in (screening_officer, service_manager):
        client.force_login(user)
        assert client.get(reverse("healthz")).json() == {"status": "ok"}, user
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    body = client.get(reverse("healthz")).json()
    assert (body["status"], body["database"], body["problems"]) == ("ok", "ok", [])


def test_a_broker_outage_is_degraded_not_a_failed_liveness_check(
    client, db, broker_down, monitor, caplog
):
    heartbeat_record(name="beat")
    # Listen on the view's own logger at its warning level: an earlier test's logging set-up
    # (a Celery worker run in-process) may have raised the root logger's level or stopped
    # propagation to the root logger caplog watches.
    caplog.set_level(logging.WARNING, logger="accounts.views")
    views_logger = logging.getLogger("accounts.views")
    views_logger.addHandler(caplog.handler)
    try:
        response = client.get(reverse("healthz"), **monitor)
    finally:
        views_logger.removeHandler(caplog.handler)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    # Plain words, never an exception's class name; the cause is in the log for the operator.
    assert body["broker"] == "does not answer"
    assert body["problems"] == ["the broker does not answer: background work waits in the outbox"]
    assert "Error" not in response.content.decode()
    assert "the broker does not answer" in caplog.text


def test_a_late_beat_is_degraded(client, db, monitor):
    Heartbeat.objects.create(name="beat", last_seen_at=timezone.now() - dt.timedelta(minutes=6))
    response = client.get(reverse("healthz"), **monitor)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["beat"]["stale"] is True
    assert response.json()["problems"] == ["beat is late: clocks are not being swept"]


def test_a_beat_that_never_ran_is_degraded(client, db, monitor):
    response = client.get(reverse("healthz"), **monitor)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["beat"] == {"last_seen": None, "stale": True}


def test_healthz_is_503_only_when_the_database_is_down(client, db, monkeypatch, monitor):
    from accounts import views

    # The database cannot be stopped under the test run; the check's own failure path is real.
    monkeypatch.setattr(views, "_check_database", lambda: False)
    response = client.get(reverse("healthz"), **monitor)
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == "does not answer"
    assert response.json()["beat"] is None
    assert client.get(reverse("healthz")).json() == {"status": "down"}


def _load_production_settings(**overrides: str | None):
    return load_production_settings(["CELERY_BROKER_URL"], **overrides)


@pytest.mark.parametrize("broker", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_broker_url(broker):
    result = _load_production_settings(CELERY_BROKER_URL=broker)
    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL must be set in production" in result.stderr


def test_production_starts_with_a_broker_url():
    result = _load_production_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['redis://127.0.0.1:6379/0']"
