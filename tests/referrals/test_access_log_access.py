"""The access log exports x every persona: as the access log pages (managers with the access
log permission who may see the record; readers 403; anyone else 404)."""

import pytest
from django.urls import reverse

from tests.access_helpers import expect, with_fixtures

from .test_access import MANAGERS, PERSONAS, READERS, make_records

TABLE = [
    (
        "contact_access_log_export",
        lambda o: reverse("referrals:contact_access_log_export", args=[o["submitted"].pk]),
        "get",
        expect(MANAGERS, readers=READERS, otherwise=404),
    ),
    (
        "person_access_log_export",
        lambda o: reverse("referrals:person_access_log_export", args=[o["person"].pk]),
        "get",
        expect(MANAGERS, readers=READERS, otherwise=404),
    ),
]


@pytest.fixture
def records(request, db):
    return with_fixtures(request, make_records)


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_table(request, client, records, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, url, method, expectation in TABLE:
        response = getattr(client, method)(url(records))
        assert response.status_code == expectation(persona), f"{name} as {persona}"
