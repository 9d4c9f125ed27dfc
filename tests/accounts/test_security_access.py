"""The open endpoints x every persona: CSP reports from anyone; health details for administrators."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import heartbeat_record
from tests.factories import UserFactory
from tests.referrals.test_access import PERSONAS

pytestmark = pytest.mark.django_db

REPORT = {"csp-report": {"document-uri": "http://testserver/work/", "blocked-uri": "inline"}}


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.mark.parametrize("persona", [*PERSONAS, "administrator"])
def test_csp_report_access_table(request, persona):
    # A browser posts reports without a CSRF token, signed in or not.
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("csp_report"), json.dumps(REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 204, persona


@pytest.mark.parametrize("persona", [*PERSONAS, "administrator"])
def test_healthz_details_access_table(request, client, persona):
    heartbeat_record(name="beat")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("healthz")).json()
    expected = {"status", "database", "broker", "beat", "problems"}
    assert set(body) == (expected if persona == "administrator" else {"status"}), persona
