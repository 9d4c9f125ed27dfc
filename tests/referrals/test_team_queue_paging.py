"""A team's queue holds the team's whole history: it pages in the same number of queries however
long it grows, and counts only a few pages ahead ("Page 1 of more than 2")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import paging
from referrals import lifecycle, services, views
from referrals.models import ContactStatus
from tests.factories import PersonFactory, complete_contact


def assigned(by, profile, team):
    contact = complete_contact(by=by, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=by, profile=profile)
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
        by=by,
        reason="Closed to the team within three months",
        team=team,
        profile=profile,
    )
    return contact


def counted(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("referrals:queue_team"), params)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(paging, "PAGES_AHEAD", 1)


def test_the_team_queue_counts_a_page_ahead_in_a_fixed_number_of_queries(
    client, small_pages, camden, screening_officer, team_manager, social_work_team
):
    assigned(screening_officer, camden, social_work_team)
    client.force_login(team_manager)
    client.get(reverse("referrals:queue_team"))  # warm the process caches
    few, html = counted(client)
    assert "Page 1 of" not in html  # one contact: no pagination
    for _ in range(4):
        assigned(screening_officer, camden, social_work_team)

    many, html = counted(client)

    assert many == few
    assert "Page 1 of more than 2" in html
    _, last = counted(client, page=5)
    assert "Page 5 of 5" in last and 'rel="next"' not in last


@pytest.mark.parametrize("number, shown", [("abc", 1), ("0", 3), ("-1", 3), ("99999999", 3)])
def test_a_junk_page_number_shows_the_first_or_the_last_page(
    client, small_pages, camden, screening_officer, team_manager, social_work_team, number, shown
):
    for _ in range(3):
        assigned(screening_officer, camden, social_work_team)
    client.force_login(team_manager)

    _, html = counted(client, page=number)

    assert f"Page {shown} of" in html
