"""The session and lockout pages x every persona."""

import pytest
from django.urls import reverse

from accounts.models import AccountLockout
from accounts.roles import Role
from tests.factories import UserFactory
from tests.referrals.test_access import PERSONAS

EVERYONE = set(PERSONAS) - {"anonymous"} | {"service_manager", "administrator"}
# Who may open the lockouts page: managers with a team, the service manager, administrators.
LOCKOUT_MANAGERS = {"team_manager", "service_manager", "administrator"}


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def other_session(db, social_worker):
    """A signed-in session of the social worker's: a page of their own nobody else reaches."""
    from django.test import Client

    Client().force_login(social_worker)
    return social_worker.signed_in_sessions.get()


@pytest.fixture
def locked_account(db, social_worker):
    from django.utils import timezone

    return AccountLockout.objects.create(
        username="socialworker",
        failures=10,
        locked_until=timezone.now() + timezone.timedelta(minutes=5),
    )


def _status(persona, allowed, ok=200, otherwise=403):
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else otherwise


# (url name, method, args fixture or None, {persona: status} rule)
URLS = [
    ("session_list", "get", None, lambda p: _status(p, EVERYONE)),
    ("session_status", "get", None, lambda p: 401 if p == "anonymous" else 200),
    ("session_keep_alive", "post", None, lambda p: 401 if p == "anonymous" else 200),
    ("sessions_end_others", "post", None, lambda p: _status(p, EVERYONE, 302)),
    # The social worker's other session: theirs to end, not found for anyone else.
    (
        "session_end",
        "post",
        "other_session",
        lambda p: _status(p, {"social_worker"}, ok=302, otherwise=404),
    ),
    ("lockout_list", "get", None, lambda p: _status(p, LOCKOUT_MANAGERS)),
    (
        "lockout_unlock_account",
        "get",
        "locked_account",
        # The team manager's team is the social worker's; the other managers see no such lock.
        lambda p: _status(p, LOCKOUT_MANAGERS),
    ),
    (
        "lockout_unlock_address",
        "get",
        "address",
        # Addresses are for administrators and the service manager; 404 when none is locked.
        lambda p: _status(p, set(), otherwise=404 if p in LOCKOUT_MANAGERS else 403),
    ),
]


@pytest.mark.parametrize("persona", [*PERSONAS, "service_manager", "administrator"])
@pytest.mark.parametrize("name,method,arg,rule", URLS, ids=[u[0] for u in URLS])
def test_session_and_lockout_access_table(db, request, client, persona, name, method, arg, rule):
    args = []
    if arg == "address":
        args = ["192.0.2.200"]
    elif arg is not None:
        args = [request.getfixturevalue(arg).pk]
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == rule(persona), f"{name} as {persona}"
