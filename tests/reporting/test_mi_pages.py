"""The MI page and the click-through: periods, bad input, charts with tables, object
permissions, the access log, and queries that do not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessLog
from referrals.models import Contact
from tests.factories import TeamFactory
from tests.reporting.mi_data import make_quarter
from tests.reporting.test_mi_access import BEHIND, QUARTER_QUERY

MI = "/reporting/"


@pytest.fixture
def quarter(db, camden, social_work_team, settings):
    settings.COUNCIL_PROFILE = "camden"
    return make_quarter(social_work_team, TeamFactory(name="Other team"))


def test_first_visit_shows_last_quarter_with_a_chart_and_table_per_figure(
    client, team_manager, camden
):
    client.force_login(team_manager)
    response = client.get(MI)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Last quarter:" in text
    charts = text.count('<svg class="app-chart__svg"')
    assert charts >= 5  # an empty quarter still draws the figures with fixed rows
    assert text.count('<title id="chart-') == charts
    assert text.count('<table class="govuk-table') >= charts


def test_a_chosen_quarter_prints_values_on_the_bars_and_links_rows_to_their_contacts(
    client, service_manager, quarter
):
    client.force_login(service_manager)
    text = client.get(MI + QUARTER_QUERY).content.decode()
    assert "1 July 2026 to 30 September 2026" in text
    assert 'class="app-chart__value"' in text and ">5<" in text  # all five contacts
    assert "/reporting/contacts/?figure=conversion&amp;row=all&amp;from=2026-07-01" in text


def test_the_navigation_offers_mi_to_managers_only(client, team_manager, screening_officer):
    client.force_login(team_manager)
    assert 'href="/reporting/"' in client.get("/work/").content.decode()
    client.force_login(screening_officer)
    assert 'href="/reporting/"' not in client.get("/work/").content.decode()


@pytest.mark.parametrize(
    "query,message",
    [
        (
            "?period=custom&start_0=31&start_1=2&start_2=2026&end_0=1&end_1=3&end_2=2026",
            "From must be a real date",
        ),
        (
            "?period=custom&start_0=1&start_1=3&start_2=2026&end_0=1&end_1=2&end_2=2026",
            "The last day must be the same as or after the first day",
        ),
        (
            "?period=custom&start_0=1&start_1=1&start_2=2020&end_0=1&end_1=2&end_2=2026",
            "Choose a range of 3 years or less",
        ),
        ("?period=custom", "Enter the first day of the range"),
        (
            "?period=custom&start_0=1&start_1=1&start_2=99999999999999999999",
            "Year must include 4 numbers",
        ),
        ("?period=forever", "Select a period"),
    ],
)
def test_bad_periods_are_told_next_to_the_field_and_keep_what_was_typed(
    client, team_manager, camden, query, message
):
    client.force_login(team_manager)
    response = client.get(MI + query)
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text and message in text
    assert "<svg" not in text
    if "start_0=31" in query:
        assert 'value="31"' in text


def test_the_page_makes_the_same_queries_whatever_the_number_of_rows(
    client, service_manager, quarter, social_work_team
):
    client.force_login(service_manager)
    with CaptureQueriesContext(connection) as first:
        client.get(MI + QUARTER_QUERY)
    make_quarter(social_work_team, TeamFactory(name="Third team"))  # as much again
    with CaptureQueriesContext(connection) as second:
        client.get(MI + QUARTER_QUERY)
    assert len(second) == len(first)
    assert len(first) < 60


def test_a_team_manager_lists_only_their_teams_contacts_and_is_told_how_many_more(
    client, team_manager, quarter
):
    client.force_login(team_manager)
    before = AccessLog.objects.count()
    response = client.get("/reporting/contacts/" + BEHIND)
    text = response.content.decode()
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [
        quarter["c3"].pk,
        quarter["c1"].pk,
    ]
    assert "You may open 2 of the 5 contacts" in text
    assert "3 contacts behind this figure are not listed" in text
    assert quarter["c4"].reference not in text
    logged = set(
        AccessLog.objects.filter(
            pk__gt=0, content_type__model="contact", user=team_manager
        ).values_list("object_id", flat=True)
    )
    assert logged == {quarter["c1"].pk, quarter["c3"].pk}
    assert AccessLog.objects.count() == before + 2


def test_the_service_manager_lists_every_contact_behind_a_row_one_query_per_page(
    client, service_manager, quarter
):
    client.force_login(service_manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reporting/contacts/" + BEHIND)
    assert response.context["page"].paginator.count == 5
    assert response.context["hidden"] == 0
    listing = [
        q
        for q in queries.captured_queries
        if 'FROM "referrals_contact"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert len(listing) == 1
    logged = AccessLog.objects.filter(content_type__model="contact", user=service_manager)
    assert logged.count() == 5


@pytest.mark.parametrize(
    "query",
    [
        "?figure=conversion&row=all&from=2026-07-01",
        "?figure=conversion&row=all&from=junk&to=2026-09-30",
        "?figure=conversion&row=all&from=2020-01-01&to=2026-09-30",
        "?figure=conversion&row=everything&from=2026-07-01&to=2026-09-30",
        "?figure=nonsense&row=all&from=2026-07-01&to=2026-09-30",
        "?figure=workload&row=99999999999999999999&from=2026-07-01&to=2026-09-30",
        "?figure=partner&row=abc&from=2026-07-01&to=2026-09-30",
    ],
)
def test_links_that_are_not_a_figure_row_are_not_found(client, team_manager, quarter, query):
    client.force_login(team_manager)
    assert client.get("/reporting/contacts/" + query).status_code == 404


def test_a_drill_with_no_contacts_the_viewer_may_open_says_so(client, team_manager, quarter):
    client.force_login(team_manager)
    text = client.get(
        "/reporting/contacts/?figure=merlin&row=red&from=2026-07-01&to=2026-09-30"
    ).content.decode()
    assert "There are no contacts here that you may open." in text
    assert Contact.objects.filter(merlin__police_rag="red").count() == 1
