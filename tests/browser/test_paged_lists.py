"""Lists that grow with a child's history page with the GOV.UK pagination component, without
JavaScript-dependent controls, each on its own parameter, and stay axe clean."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.enums import Rag
from referrals import oversight, services, views
from tests.factories import PersonFactory, complete_contact, contacts_passed_to
from thresholds.models import ClockKind
from thresholds.services import deadline_start
from workspace import dashboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_and_contact_pages_page_their_contacts_and_history(
    pages, monkeypatch, camden, screening_officer
):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    child = PersonFactory(first_name="Paige", last_name="Turner")
    contacts = []
    for _ in range(4):
        contact = complete_contact(by=screening_officer, children=[child])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
        contacts.append(contact)
    page = pages.page

    pages.sign_in("screener")
    pages.goto(reverse("referrals:person_detail", args=[child.pk]))
    nav = page.get_by_role("navigation", name="Pages of contacts")
    expect(nav).to_contain_text("Page 1 of 2")
    nav.get_by_role("link", name="Next page").click()
    pages.check()
    expect(page.get_by_role("navigation", name="Pages of contacts")).to_contain_text("Page 2 of 2")
    expect(page.get_by_role("table", name="Contacts about this person")).to_contain_text(
        contacts[0].reference
    )

    pages.goto(reverse("referrals:contact_detail", args=[contacts[-1].pk]))
    history = page.get_by_role("navigation", name="Pages of history")
    expect(history).to_contain_text("Page 1 of")
    history.get_by_role("link", name="Next page").click()
    pages.check()
    expect(page.get_by_role("navigation", name="Pages of history")).to_contain_text("Page 2 of")


def test_dashboard_pages_its_table_of_workers(
    pages, monkeypatch, camden, screening_officer, senior_practitioner, mash_manager
):
    monkeypatch.setattr(dashboard, "WORKERS_PAGE_SIZE", 1)
    now = timezone.now()
    for responsible in (senior_practitioner, None):
        deadline_start(
            profile=camden,
            kind=ClockKind.RED_CHECKS,
            by=None,
            contact=complete_contact(by=screening_officer, children=[PersonFactory()]),
            responsible=responsible,
            rag=Rag.RED,
            started_at=now - dt.timedelta(hours=1),
        )
    page = pages.page

    pages.sign_in("mashmgr")
    pages.goto("/dashboard/")
    workers = page.get_by_role("navigation", name="Pages of workers")
    expect(workers).to_contain_text("Page 1 of 2")
    workers.get_by_role("link", name="Next page").click()
    pages.check()
    assert "workers=2" in page.url
    expect(page.locator("#by-responsible")).to_contain_text("No one named")


def test_a_workers_tray_pages_back_to_their_oldest_contact(
    pages, monkeypatch, camden, screening_officer, social_worker, social_work_team, team_manager
):
    monkeypatch.setattr(oversight, "TRAY_PAGE", 2)
    passed = contacts_passed_to(
        social_worker, team=social_work_team, by=screening_officer, profile=camden, count=3
    )
    page = pages.page

    pages.sign_in("teammgr")
    pages.goto(reverse("referrals:worker_tray", args=[social_worker.pk]))
    tray = page.get_by_role("table", name="3 contacts passed to")
    expect(tray).to_contain_text(passed[-1].reference)
    nav = page.get_by_role("navigation", name="Pages of the tray")
    expect(nav).to_contain_text("Page 1 of 2")
    nav.get_by_role("link", name="Next page").click()
    pages.check()
    assert "page=2" in page.url
    expect(page.get_by_role("table")).to_contain_text(passed[0].reference)
    expect(page.get_by_role("table")).not_to_contain_text(passed[-1].reference)
