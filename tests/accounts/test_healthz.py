"""/healthz tells up from degraded from down; production refuses to start without a broker."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Heartbeat
from accounts.services import heartbeat_record
from contact_service.celery import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_down():
    original = app.conf.broker_url
    # Nothing listens on port 1: a real refused connection, not a mock.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    app.conf.broker_url = original


def test_healthz_is_ok_when_database_broker_and_beat_all_answer(client, db):
    heartbeat_record(name="beat")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["broker"], body["beat"]["stale"]) == ("ok", "ok", False)
    assert body["problems"] == []


def test_a_broker_outage_is_degraded_not_a_failed_liveness_check(client, db, broker_down):
    heartbeat_record(name="beat")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"
    assert any("broker" in p for p in body["problems"])


def test_a_late_beat_is_degraded(client, db):
    Heartbeat.objects.create(name="beat", last_seen_at=timezone.now() - dt.timedelta(minutes=6))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["beat"]["stale"] is True
    assert response.json()["problems"] == ["beat is late: clocks are not being swept"]


def test_a_beat_that_never_ran_is_degraded(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["beat"] == {"last_seen": None, "stale": True}


def test_healthz_is_503_only_when_the_database_is_down(client, db, monkeypatch):
    from accounts import views

    # The database cannot be stopped under the test run; the check's own failure path is real.
    monkeypatch.setattr(views, "_check_database", lambda: (False, "OperationalError"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["beat"] is None


def _load_production_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contact_service.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
        "DATABASE_URL": "sqlite:////tmp/unused.db",
        "ALLOWED_HOSTS": "localhost",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = "import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("broker", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_broker_url(broker):
    result = _load_production_settings(CELERY_BROKER_URL=broker)
    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL must be set in production" in result.stderr


def test_production_starts_with_a_broker_url():
    result = _load_production_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "redis://127.0.0.1:6379/0"
