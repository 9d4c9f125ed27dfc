"""The management information URLs x every persona: managers only (figures come from
personal data); a partner agency, the front door and early help staff get 403."""

import pytest

from tests.access_helpers import check_row, expect, shared_records
from tests.factories import TeamFactory
from tests.reporting.mi_data import make_quarter

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
MANAGERS = {"team_manager", "service_manager"}
QUARTER_QUERY = "?period=custom&start_0=1&start_1=7&start_2=2026&end_0=30&end_1=9&end_2=2026"
BEHIND = "?figure=conversion&row=all&from=2026-07-01&to=2026-09-30"

TABLE = [
    ("MI page", lambda o: "/reporting/", "get", expect(MANAGERS)),
    ("MI page for a quarter", lambda o: "/reporting/" + QUARTER_QUERY, "get", expect(MANAGERS)),
    (
        "contacts behind a figure",
        lambda o: "/reporting/contacts/" + BEHIND,
        "get",
        expect(MANAGERS),
    ),
]
# The URL names these rows cover (tests/test_every_url_in_an_access_table.py reads them).
NAMES = ["reporting:management_information", "reporting:contacts"]


def make_records(camden, social_work_team):
    return make_quarter(social_work_team, TeamFactory(name="Another children in need team"))


# What the table's URLs point at, built once for the module.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)
