"""axe on every page type the front door has, in the states users meet (errors included)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from tests.factories import PersonFactory, complete_contact, open_involvement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(screening_officer, camden, social_worker, social_work_team):
    child = PersonFactory(first_name="Maya", last_name="Hassan", date_of_birth=dt.date(2014, 2, 11))
    open_involvement(child, team=social_work_team, worker=social_worker)
    submitted = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    draft = services.contact_start(by=screening_officer, source="ecaf", received_at=timezone.now())
    return {"child": child, "submitted": submitted, "draft": draft}


def test_screening_officer_pages_have_no_accessibility_violations(pages, world):
    page = pages.page
    draft, submitted, child = world["draft"], world["submitted"], world["child"]
    pages.sign_in("screener")
    for path in (
        "/contacts/in-progress/",
        f"/contacts/{draft.pk}/edit/details/",
        f"/contacts/{draft.pk}/edit/concerns/",
        f"/contacts/{draft.pk}/people/find/?role=adult",
        f"/contacts/{draft.pk}/people/new/?role=adult",
        f"/contacts/{draft.pk}/people/link/{child.pk}/?role=adult",
        f"/contacts/{draft.pk}/people/new/?role=child",
        f"/contacts/{submitted.pk}/screen/",
        f"/people/{child.pk}/edit/",
        "/work/",
    ):
        pages.goto(path)

    # Error states: an incomplete contact's check page, a bad date, an empty search.
    pages.goto(f"/contacts/{draft.pk}/check/")
    expect(page.locator(".govuk-error-summary")).to_contain_text("safeguarding box")
    pages.goto(f"/contacts/{draft.pk}/people/new/?role=child")
    page.get_by_label("First name", exact=True).fill("Zed")
    page.get_by_label("Day").first.fill("31")
    page.get_by_label("Month").first.fill("2")
    page.get_by_label("Year").first.fill("2015")
    page.get_by_role("button", name="Create record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("First name", exact=True)).to_have_value("Zed")
    pages.check()
    pages.goto("/people/?search=1")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a name, date of birth or NHS number"
    )


def test_manager_and_worker_pages_have_no_accessibility_violations(
    pages, world, mash_manager, social_worker
):
    submitted, child = world["submitted"], world["child"]
    pages.sign_in("mashmgr")
    pages.goto(f"/contacts/{submitted.pk}/")
    pages.goto(f"/contacts/{submitted.pk}/access-log/")
    pages.goto(f"/people/{child.pk}/access-log/")
    pages.goto("/contacts/awaiting-rating/")


def test_error_pages_have_no_accessibility_violations(pages, world, partner_user):
    pages.sign_in("police")
    pages.goto("/contacts/new/")  # 403 for a partner
    expect(pages.page.get_by_role("heading", level=1)).to_have_text(
        "You do not have access to this page"
    )
    pages.goto(f"/contacts/{world['submitted'].pk}/")  # 404: partners may not know it exists
    expect(pages.page.get_by_role("heading", level=1)).to_have_text("Page not found")
