"""Early help lists cost the same number of queries whatever their length."""

import pytest
from django.urls import reverse

from early_help import services
from tests.factories import family_work_case, green_contact


@pytest.mark.parametrize("rows", [1, 8])
def test_queue_costs_the_same_queries_whatever_its_length(
    client,
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    client.force_login(early_help_manager)
    client.get(reverse("early_help:queue"))
    # The header's service name is one query on every page (not cached). Finding the page is
    # the walk of the clocks (BEGIN, SET LOCAL, the walk, COMMIT: referrals.urgency) and, when
    # the page is not full of contacts with a clock, those without one.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("early_help:queue"))
    assert response.content.decode().count("Green: to early help") == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_case_list_and_panel_cost_the_same_queries_whatever_their_length(
    client,
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        family_work_case(
            contact=green_contact(
                officer=screening_officer, senior=senior_practitioner, profile=camden
            ),
            manager=early_help_manager,
            worker=family_worker,
            profile=camden,
        )
        services.early_help_decide(
            contact=green_contact(
                officer=screening_officer, senior=senior_practitioner, profile=camden
            ),
            by=early_help_manager,
            profile=camden,
            outcome="panel",
            rationale="Complex",
        )
    client.force_login(early_help_manager)
    panel = reverse("early_help:panel_next")
    for url in (reverse("early_help:cases"), client.get(panel)["Location"]):
        client.get(url)
        with django_assert_max_num_queries(17):
            response = client.get(url)
        assert response.status_code == 200
    assert len(response.context["items"]) == rows
