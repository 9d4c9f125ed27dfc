"""MERLIN pages x every persona: only police Public Protection Desk staff get in."""

import pytest
from django.urls import reverse

from tests.referrals.test_access import PERSONAS

POLICE = {"partner_user"}  # a partner agency user whose agency is the police

URLS = [
    ("list", "referrals:merlin_list", "get"),
    ("submit form", "referrals:merlin_new", "get"),
    ("submit (empty post)", "referrals:merlin_new", "post"),
    ("upload page", "referrals:merlin_upload", "get"),
    ("upload (empty post)", "referrals:merlin_upload", "post"),
]


def expected(persona: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in POLICE else 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url_name,method", URLS, ids=[u[0] for u in URLS])
def test_merlin_access_table(request, client, camden, settings, persona, name, url_name, method):
    settings.COUNCIL_PROFILE = "camden"
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(reverse(url_name))
    assert response.status_code == expected(persona), f"{name} as {persona}"


@pytest.mark.django_db
def test_only_police_see_the_merlin_nav_entry(client, partner_user, health_user):
    client.force_login(partner_user)
    assert "MERLIN reports" in client.get(reverse("work_tray")).text
    client.force_login(health_user)
    assert "MERLIN reports" not in client.get(reverse("work_tray")).text
