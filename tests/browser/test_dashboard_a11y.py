"""A team manager opens the overdue dashboard: an overdue red clock and an amber one of their
team, and one their role answers for outside it; axe clean."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from core.enums import Rag
from referrals.lifecycle import Access, contact_share
from tests.factories import PersonFactory, TeamFactory, complete_contact
from thresholds.models import ClockKind
from thresholds.services import deadline_start, deadline_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_shows_overdue_clock_and_passes_axe(
    pages, camden, screening_officer, senior_practitioner, social_work_team, team_manager
):
    now = timezone.now()
    red = complete_contact(by=screening_officer, children=[PersonFactory()])
    amber = complete_contact(by=screening_officer, children=[PersonFactory()])
    deadline_start(
        profile=camden,
        kind=ClockKind.RED_CHECKS,
        by=None,
        contact=red,
        team=social_work_team,
        responsible=senior_practitioner,
        rag=Rag.RED,
        started_at=now - dt.timedelta(hours=5),
    )
    deadline_start(
        profile=camden,
        kind=ClockKind.AMBER_CHECKS,
        by=None,
        contact=amber,
        team=social_work_team,
        rag=Rag.AMBER,
        started_at=now,
    )
    # Their role answers for it, but it is another team's (thresholds.selectors.outside_team).
    elsewhere = complete_contact(by=screening_officer, children=[PersonFactory()])
    other_team = TeamFactory(name="Assessment team 2")
    deadline_start(
        profile=camden,
        kind=ClockKind.BORDERLINE,
        by=None,
        contact=elsewhere,
        team=other_team,
        responsible_role=Role.TEAM_MANAGER,
        started_at=now,
    )
    # Routing the contacts to the team grants them to its group: a team manager sees only that.
    for contact in (red, amber, elsewhere):
        contact_share(contact, social_work_team.group, access=Access.READ)
    deadline_sweep(now=now)
    page = pages.page

    pages.sign_in("teammgr")
    pages.goto("/dashboard/")
    expect(page.locator("[data-count=overdue]")).to_have_text("1")
    row = page.get_by_role("row").filter(has_text=red.reference)
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("Overdue by 1 hour")
    expect(row).not_to_contain_text("Overdue overdue")
    expect(page.get_by_role("row").filter(has_text=elsewhere.reference)).to_contain_text(
        "Assessment team 2"
    )
    pages.check()

    page.get_by_text("Filter clocks").click()
    page.get_by_label("RAG rating").select_option("amber")
    page.get_by_role("button", name="Apply filters").click()
    pages.check()
    expect(page.locator("#dashboard-clocks")).to_contain_text(amber.reference)
    expect(page.locator("#dashboard-clocks")).not_to_contain_text(red.reference)

    page.get_by_role("link", name="sort by team").click()
    pages.check()
    assert "rag=amber" in page.url and "sort=team" in page.url

    pages.goto("/work/")
    expect(page.locator("#your-clocks")).to_contain_text(red.reference)
