"""The data protection URLs x every persona: the service manager only (holds, the retention
queue and its decisions); everybody else gets 403, anonymous users are sent to sign in."""

import datetime as dt

import pytest

from privacy import services
from privacy.models import RetentionReview
from tests.access_helpers import check_row, expect, with_fixtures
from tests.privacy.conftest import NFA_ON
from tests.privacy.records import closed_nfa

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "early_help_manager",
    "family_worker",
    "team_manager",
    "service_manager",
    "social_worker",
    "outsider",
]
MANAGER = {"service_manager"}

TABLE = [
    (
        "legal holds on a person",
        lambda r: f"/privacy/people/{r['person'].pk}/holds/",
        "get",
        expect(MANAGER),
    ),
    ("lift a legal hold", lambda r: f"/privacy/holds/{r['hold'].pk}/lift/", "get", expect(MANAGER)),
    ("retention review queue", lambda r: "/privacy/retention/", "get", expect(MANAGER)),
    (
        "destroyed records per year",
        lambda r: "/privacy/retention/destroyed/",
        "get",
        expect(MANAGER),
    ),
    (
        "approve destruction",
        lambda r: f"/privacy/retention/{r['review'].pk}/destroy/",
        "get",
        expect(MANAGER),
    ),
    (
        "keep a record",
        lambda r: f"/privacy/retention/{r['review'].pk}/keep/",
        "get",
        expect(MANAGER),
    ),
]
# The URL names these rows cover (tests/test_every_url_in_an_access_table.py reads them).
NAMES = [
    "privacy:hold_place",
    "privacy:hold_lift",
    "privacy:retention_queue",
    "privacy:retention_destroyed",
    "privacy:retention_destroy",
    "privacy:retention_keep",
]


def make_records(settings, islington, screening_officer, senior_practitioner, service_manager):
    settings.COUNCIL_PROFILE = "islington"
    contact = closed_nfa(
        officer=screening_officer, senior=senior_practitioner, profile=islington, on=NFA_ON
    )
    services.retention_sweep(today=dt.date(2022, 1, 1))
    person = contact.people.get()
    # A hold on another person: the review stays destroyable, the lift page has a hold.
    other = closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=islington,
        on=dt.date(2025, 1, 6),
    ).people.get()
    hold = services.hold_place(person=other, reason="other", details="x", by=service_manager)
    return {"person": person, "hold": hold, "review": RetentionReview.objects.get()}


@pytest.fixture
def records(db, request):
    return with_fixtures(request, make_records)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)
