"""Your sessions: see where you are signed in, end another, sign out everywhere else."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import SessionEndReason, UserSession
from accounts.sessions import sessions_end_others

PASSWORD = "correct-horse-battery"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _signed_in(username: str, agent: str, address: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def desk(screening_officer):
    return _signed_in("screener", FIREFOX, "192.0.2.10")


@pytest.fixture
def phone(screening_officer):
    return _signed_in("screener", SAFARI, "198.51.100.7")


def test_your_sessions_lists_each_browser_and_marks_this_one(desk, phone):
    body = desk.get(reverse("session_list")).content.decode()
    assert "Firefox on Windows" in body and "Safari on iPhone or iPad" in body
    assert "192.0.2.10" in body and "198.51.100.7" in body
    assert body.count("This session") == 1
    assert body.index("Firefox on Windows") < body.index("This session")
    assert body.index("This session") < body.index("Safari on iPhone")


def test_ending_another_session_signs_that_browser_out(desk, phone, screening_officer):
    other = UserSession.objects.get(user=screening_officer, user_agent="Safari on iPhone or iPad")
    assert phone.get(reverse("work_tray")).status_code == 200
    response = desk.post(reverse("session_end", args=[other.pk]))
    assert response.status_code == 302
    assert phone.get(reverse("work_tray")).status_code == 302  # the phone is signed out
    assert desk.get(reverse("work_tray")).status_code == 200
    other.refresh_from_db()
    assert other.ended_reason == SessionEndReason.ENDED_ELSEWHERE
    assert other.ended_by == screening_officer
    latest = other.history.latest()
    assert latest.history_user == screening_officer and latest.ended_at is not None


def test_another_users_session_is_not_found(desk, social_worker):
    theirs = _signed_in("socialworker", FIREFOX, "203.0.113.5")
    record = UserSession.objects.get(user=social_worker)
    assert desk.post(reverse("session_end", args=[record.pk])).status_code == 404
    assert theirs.get(reverse("work_tray")).status_code == 200
    assert "203.0.113.5" not in desk.get(reverse("session_list")).content.decode()


def test_signing_out_everywhere_else_keeps_only_this_session(desk, phone, screening_officer):
    laptop = _signed_in("screener", FIREFOX, "192.0.2.11")
    assert desk.post(reverse("sessions_end_others")).status_code == 302
    assert phone.get(reverse("work_tray")).status_code == 302
    assert laptop.get(reverse("work_tray")).status_code == 302
    assert desk.get(reverse("work_tray")).status_code == 200
    assert UserSession.objects.filter(user=screening_officer, ended_at__isnull=True).count() == 1


def test_a_password_change_can_end_the_other_sessions(desk, phone, screening_officer):
    ended = sessions_end_others(
        user=screening_officer,
        keep_session_key=desk.session.session_key,
        reason=SessionEndReason.PASSWORD_CHANGED,
    )
    assert ended == 1
    assert phone.get(reverse("work_tray")).status_code == 302
    assert desk.get(reverse("work_tray")).status_code == 200
    assert UserSession.objects.filter(ended_reason=SessionEndReason.PASSWORD_CHANGED).count() == 1


def test_nobody_else_can_end_your_sessions(desk, screening_officer, social_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sessions_end_others(
            user=screening_officer,
            keep_session_key=None,
            reason=SessionEndReason.ENDED_ELSEWHERE,
            by=social_worker,
        )
    assert desk.get(reverse("work_tray")).status_code == 200
