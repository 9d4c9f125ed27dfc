"""Sign-in security pages x every persona: who reaches two-factor, account security and passwords.

Two-factor is off here (the default), so no persona owes a code; what an unverified user may
reach when it is required is tested in tests/accounts/test_two_factor.py.
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.access_helpers import expect
from tests.factories import UserFactory
from tests.referrals.test_access import PERSONAS

ALL = [*PERSONAS, "administrator"]
SIGNED_IN = set(ALL) - {"anonymous"}
# Administrators reset anyone's two-factor; team managers their own team's (social_worker is
# in team_manager's team). The MASH manager fixture has no team, so resets nobody.
RESETTERS = {"administrator", "team_manager"}


def public(status: int = 200):
    return lambda persona: status


BAD_LINK = {"uidb64": "MA", "token": "set-password"}

# (url name, url maker, method, status per persona)
URLS = [
    # Nobody here has an app, so the code step sends them on to the page they wanted.
    ("two_factor_verify", lambda t: reverse("two_factor_verify"), "get", expect(SIGNED_IN, ok=302)),
    ("two_factor_enrol", lambda t: reverse("two_factor_enrol"), "get", expect(SIGNED_IN)),
    ("two_factor_backup_codes", lambda t: reverse("two_factor_backup_codes"), "get", expect(SIGNED_IN)),
    # Without an app there is nothing to regenerate: back to account security with a message.
    ("two_factor_backup_codes_regenerate", lambda t: reverse("two_factor_backup_codes_regenerate"), "post", expect(SIGNED_IN, ok=302)),
    ("account_security", lambda t: reverse("account_security"), "get", expect(SIGNED_IN)),
    ("password_change", lambda t: reverse("password_change"), "get", expect(SIGNED_IN)),
    ("password_reset", lambda t: reverse("password_reset"), "get", public()),
    ("password_reset_done", lambda t: reverse("password_reset_done"), "get", public()),
    ("password_reset_confirm", lambda t: reverse("password_reset_confirm", kwargs=BAD_LINK), "get", public()),
    ("password_reset_complete", lambda t: reverse("password_reset_complete"), "get", public()),
    ("two_factor_users", lambda t: reverse("two_factor_users"), "get", expect(RESETTERS)),
    ("two_factor_reset", lambda t: reverse("two_factor_reset", args=[t.pk]), "get", expect(RESETTERS)),
    ("two_factor_reset", lambda t: reverse("two_factor_reset", args=[t.pk]), "post", expect(RESETTERS)),
]  # fmt: skip


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", roles=[Role.ADMINISTRATOR])


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name,make_url,method,status", URLS, ids=[f"{u[0]}-{u[2]}" for u in URLS])
def test_security_pages_access_table(
    request, client, social_worker, persona, name, make_url, method, status
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(make_url(social_worker))
    assert response.status_code == status(persona), f"{name} {method} as {persona}"


@pytest.mark.parametrize("persona", ["team_manager", "administrator"])
def test_nobody_resets_their_own_two_factor(request, client, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("two_factor_reset", args=[user.pk])).status_code == 404
