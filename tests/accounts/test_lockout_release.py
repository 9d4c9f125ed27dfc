"""Managers unlock their team's accounts, administrators anything; every unlock is recorded."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.lockout import lockout_release_account
from accounts.models import AccountLockout, LockoutRelease
from accounts.roles import Role
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
REASON = "Rang from her desk; I know her voice and she confirmed her team."


def _try(username, password="wrong", address="192.0.2.1"):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


def _lock_account(username, settings):
    for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        _try(username, address=f"198.51.100.{n + 1}")
    return AccountLockout.objects.get(username=username.casefold())


def _lock_address(address, settings):
    for n in range(settings.LOCKOUT_IP_FAILURES):
        _try(f"guess{n}", address=address)


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin1", roles=[Role.ADMINISTRATOR])


def test_a_team_manager_unlocks_a_member_of_their_team(
    client, team_manager, social_worker, settings
):
    lock = _lock_account("socialworker", settings)
    client.force_login(team_manager)
    page = client.get(reverse("lockout_list")).content.decode()
    assert "socialworker" in page
    url = reverse("lockout_unlock_account", args=[lock.pk])
    refused = client.post(url, {"reason": "ok"})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert client.post(url, {"reason": REASON}).status_code == 302
    assert _try("socialworker", PASSWORD).status_code == 302
    release = LockoutRelease.objects.get()
    assert release.user == social_worker and release.released_by == team_manager
    assert release.reason == REASON and release.failures == settings.LOCKOUT_ACCOUNT_FAILURES
    history = release.history.get()
    assert history.history_user == team_manager and history.history_change_reason == REASON


def test_a_manager_cannot_see_or_unlock_another_teams_account(
    client, team_manager, screening_officer, settings
):
    lock = _lock_account("screener", settings)
    client.force_login(team_manager)
    assert "screener" not in client.get(reverse("lockout_list")).content.decode()
    url = reverse("lockout_unlock_account", args=[lock.pk])
    assert client.post(url, {"reason": REASON}).status_code == 404
    with pytest.raises(PermissionDenied):
        lockout_release_account(by=team_manager, lock=lock, reason=REASON)
    assert AccountLockout.objects.filter(pk=lock.pk).exists()


def test_an_administrator_unlocks_an_address_and_it_is_recorded(client, administrator, settings):
    _lock_address("203.0.113.77", settings)
    assert _try("anyone", address="203.0.113.77").status_code == 429
    client.force_login(administrator)
    assert "203.0.113.77" in client.get(reverse("lockout_list")).content.decode()
    url = reverse("lockout_unlock_address", args=["203.0.113.77"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": REASON}).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.77").exists()
    release = LockoutRelease.objects.get()
    assert release.ip_address == "203.0.113.77" and release.released_by == administrator
    assert release.failures == settings.LOCKOUT_IP_FAILURES


def test_an_administrator_unlocks_a_username_nobody_has(client, administrator, settings):
    lock = _lock_account("no-such-person", settings)
    client.force_login(administrator)
    url = reverse("lockout_unlock_account", args=[lock.pk])
    assert client.post(url, {"reason": REASON}).status_code == 302
    assert LockoutRelease.objects.get().username == "no-such-person"


def test_an_address_that_is_not_locked_is_not_found(client, administrator, settings):
    _try("someone", address="203.0.113.78")
    client.force_login(administrator)
    for address in ("203.0.113.78", "not-an-address"):
        url = reverse("lockout_unlock_address", args=[address])
        assert client.get(url).status_code == 404
