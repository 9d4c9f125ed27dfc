"""The break-glass pages x every persona: administrators only."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.referrals.test_access import PERSONAS

# (url name, method, status for an administrator)
URLS = [("break_glass", "get", 200), ("break_glass_end", "post", 302)]


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.mark.parametrize("persona", [*PERSONAS, "administrator"])
@pytest.mark.parametrize("name,method,ok", URLS, ids=[u[0] for u in URLS])
def test_break_glass_access_table(request, client, persona, name, method, ok):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(reverse(name))
    expected = 302 if persona == "anonymous" else ok if persona == "administrator" else 403
    assert response.status_code == expected, f"{name} as {persona}"
