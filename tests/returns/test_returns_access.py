"""Every statutory returns URL x every persona -> the status the access rules require.

Only team managers and the service manager (reporting.view_statutory_returns) make returns:
the files name children. Partner agencies, screening officers and everyone else get 403.
"""

import pytest
from django.urls import reverse

from returns import services
from returns.cin_census import collection_year_of
from tests.access_helpers import expect, with_fixtures
from tests.returns.helpers import OPEN_N4, nfa_closed, referred_child

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
RETURNS = {"team_manager", "service_manager"}

TABLE = [
    ("index", lambda o: reverse("returns:index"), "get", expect(RETURNS)),
    ("census form", lambda o: reverse("returns:cin_census"), "get", expect(RETURNS)),
    # An empty form comes back with its error; nothing is made.
    ("census asked for", lambda o: reverse("returns:cin_census"), "post", expect(RETURNS)),
    (
        "census run with errors",
        lambda o: reverse("returns:census_run", args=[o["broken"].pk]),
        "get",
        expect(RETURNS),
    ),
    (
        "census run that passed",
        lambda o: reverse("returns:census_run", args=[o["clean"].pk]),
        "get",
        expect(RETURNS),
    ),
    (
        "census download",
        lambda o: reverse("returns:census_download", args=[o["clean"].pk]),
        "get",
        expect(RETURNS),
    ),
    (
        "census download refused while it has errors",
        lambda o: reverse("returns:census_download", args=[o["broken"].pk]),
        "get",
        expect(RETURNS, ok=302),
    ),
    ("annex a", lambda o: reverse("returns:annex_a"), "get", expect(RETURNS)),
]


def make_records(camden, screening_officer, senior_practitioner, social_work_team, team_manager):
    def child(**kwargs):
        return referred_child(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            team=social_work_team,
            by=senior_practitioner,
            **kwargs,
        )

    year = collection_year_of(child(episode=nfa_closed()).referral_date).year
    child(episode=OPEN_N4)
    clean = services.census_run_execute(
        run_id=services.census_run_request(by=team_manager, year=year, profile=camden).pk
    )
    child()  # referred with no primary need and not NFA: rule 8610
    broken = services.census_run_execute(
        run_id=services.census_run_request(by=team_manager, year=year, profile=camden).pk
    )
    assert clean.may_download and broken.error_count, (clean.failure, broken.failure)
    return {"clean": clean, "broken": broken}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_table(request, client, persona, settings):
    settings.COUNCIL_PROFILE = "camden"
    records = with_fixtures(request, make_records)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    got = {
        name: getattr(client, method)(url(records)).status_code for name, url, method, _ in TABLE
    }
    wanted = {name: expectation(persona) for name, _, _, expectation in TABLE}
    assert got == wanted
