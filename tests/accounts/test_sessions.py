"""Sessions end: idle timeout, absolute lifetime, keep-alive, rotation, server-side sign-out."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SessionEndReason, StoredSession, UserSession
from accounts.session_store import hash_session_key

PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def _sign_in(client: Client, username: str = "screener") -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture(autouse=True)
def _production_timeouts(settings):
    # The test settings stretch the idle timeout for other suites' time travel.
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_ABSOLUTE_HOURS = 10


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_session_idle_for_the_timeout_is_ended_with_a_notice(
    client, screening_officer, traveller, settings
):
    settings.SESSION_IDLE_MINUTES = 30
    _sign_in(client)
    key = client.session.session_key
    traveller.shift(dt.timedelta(minutes=29))
    assert client.get(reverse("work_tray")).status_code == 200
    traveller.shift(dt.timedelta(minutes=29))  # active 29 minutes ago: still signed in
    assert client.get(reverse("work_tray")).status_code == 200
    traveller.shift(dt.timedelta(minutes=30))
    response = client.get(reverse("work_tray"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "signed_out=idle" in response.url
    notice = client.get(response.url).content.decode()
    assert "You were signed out after 30 minutes without activity" in notice
    assert not StoredSession.objects.filter(session_key=key).exists()
    record = UserSession.objects.get(key_hash=hash_session_key(key))
    assert record.ended_reason == SessionEndReason.IDLE and record.ended_at is not None


def test_the_warning_sends_an_idle_browser_to_sign_in_and_back(
    client, screening_officer, traveller
):
    _sign_in(client)
    traveller.shift(dt.timedelta(minutes=31))
    url = reverse("login") + "?signed_out=idle&next=/work/"
    page = client.get(url)
    assert page.status_code == 200 and "without activity" in page.content.decode()
    response = client.post(url, {"username": "screener", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/work/"


def test_background_requests_do_not_count_as_activity(client, screening_officer, traveller):
    _sign_in(client)
    for _ in range(3):
        traveller.shift(dt.timedelta(minutes=12))
        status = client.get(reverse("session_status"), HTTP_ACCEPT="application/json")
        polled = client.get(reverse("work_tray"), HTTP_X_BACKGROUND_REQUEST="1")
        if status.status_code != 200:
            break
        assert polled.status_code == 200
    # 36 minutes of polling and no request of the user's own: the session has ended.
    assert status.status_code == 401 and status.json()["signed_in"] is False
    assert client.get(reverse("work_tray")).status_code == 302


def test_the_status_tells_how_long_is_left_without_extending_it(
    client, screening_officer, traveller, settings
):
    settings.SESSION_IDLE_MINUTES = 30
    _sign_in(client)
    traveller.shift(dt.timedelta(minutes=10))
    first = client.get(reverse("session_status")).json()
    traveller.shift(dt.timedelta(minutes=5))
    second = client.get(reverse("session_status")).json()
    assert first["seconds_left"] == 20 * 60 and second["seconds_left"] == 15 * 60
    assert second["extendable"] is True


def test_keep_alive_extends_the_idle_time_and_returns_the_new_expiry(
    client, screening_officer, traveller
):
    _sign_in(client)
    traveller.shift(dt.timedelta(minutes=27))
    response = client.post(reverse("session_keep_alive"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["seconds_left"] == 30 * 60
    traveller.shift(dt.timedelta(minutes=27))
    assert client.get(reverse("work_tray")).status_code == 200


def test_keep_alive_needs_the_csrf_token(screening_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(screening_officer)
    assert client.post(reverse("session_keep_alive")).status_code == 403
    client.get(reverse("work_tray"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("session_keep_alive"), HTTP_X_CSRFTOKEN=token).status_code == 200


def test_keep_alive_after_the_timeout_says_signed_out(client, screening_officer, traveller):
    _sign_in(client)
    traveller.shift(dt.timedelta(minutes=31))
    response = client.post(reverse("session_keep_alive"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and response.json()["signed_in"] is False


def test_a_session_ends_at_its_absolute_lifetime_whatever_the_activity(
    client, screening_officer, traveller, settings
):
    settings.SESSION_ABSOLUTE_HOURS = 10
    _sign_in(client)
    for _ in range(39):  # busy every 15 minutes for 9 h 45 min
        traveller.shift(dt.timedelta(minutes=15))
        assert client.get(reverse("work_tray")).status_code == 200
    status = client.get(reverse("session_status")).json()
    assert status["seconds_left"] == 15 * 60 and status["extendable"] is False
    traveller.shift(dt.timedelta(minutes=15))
    response = client.get(reverse("work_tray"))
    assert response.status_code == 302 and "signed_out=absolute" in response.url
    assert "signed in more than 10 hours ago" in client.get(response.url).content.decode()


def test_signing_in_rotates_the_session_key(client, screening_officer):
    client.get(reverse("login"))
    session = client.session
    session["before_sign_in"] = True
    session.save()
    before = session.session_key
    _sign_in(client)
    after = client.session.session_key
    assert before and after and before != after
    assert not StoredSession.objects.filter(session_key=before).exists()


def test_signing_out_ends_the_session_on_the_server(client, screening_officer):
    _sign_in(client)
    key = client.session.session_key
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(reverse("work_tray")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert not StoredSession.objects.filter(session_key=key).exists()
    assert stolen.get(reverse("work_tray")).status_code == 302
    record = UserSession.objects.get(key_hash=hash_session_key(key))
    assert record.ended_reason == SessionEndReason.SIGNED_OUT


def test_sign_out_cannot_be_a_get_or_lack_the_csrf_token(screening_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(screening_officer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("work_tray")).status_code == 200


def test_a_session_record_keeps_a_hash_never_the_key(client, screening_officer):
    _sign_in(client)
    key = client.session.session_key
    record = UserSession.objects.get(user=screening_officer)
    assert record.key_hash == hash_session_key(key) and key not in record.key_hash
    body = client.get(reverse("session_list")).content.decode()
    assert key not in body and record.key_hash not in body
    assert record.created_at <= timezone.now()


def test_the_beat_sweep_ends_idle_and_old_sessions_on_the_server_and_keeps_live_ones(
    screening_officer, mash_social_worker, traveller
):
    from accounts.sessions import sessions_clear_expired

    idle, live = Client(), Client()
    _sign_in(idle)
    idle_key = idle.session.session_key
    traveller.shift(dt.timedelta(minutes=20))
    _sign_in(live, mash_social_worker.username)
    live_key = live.session.session_key
    traveller.shift(dt.timedelta(minutes=15))  # idle: 35 minutes; live: 15

    assert sessions_clear_expired() == 1
    assert not StoredSession.objects.filter(session_key=idle_key).exists()
    assert StoredSession.objects.filter(session_key=live_key).exists()
    ended = UserSession.objects.get(key_hash=hash_session_key(idle_key))
    assert ended.ended_reason == SessionEndReason.IDLE and ended.ended_by is None
    assert ended.history.filter(history_change_reason=SessionEndReason.IDLE.label).exists()
    assert UserSession.objects.get(key_hash=hash_session_key(live_key)).ended_at is None
    assert sessions_clear_expired() == 0  # idempotent
    assert live.get(reverse("work_tray")).status_code == 200
