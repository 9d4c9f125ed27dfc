"""A record past retention joins the review queue, is destroyed on the service manager's
approval and its tombstone is counted in its year; a legal hold blocks destruction."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from privacy import services
from privacy.models import RetentionReview
from tests.privacy.records import closed_nfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_old_records(settings, islington, screening_officer, senior_practitioner, service_manager):
    settings.COUNCIL_PROFILE = "islington"
    free = closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=islington,
        on=dt.date(2015, 3, 10),
    )
    held = closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=islington,
        on=dt.date(2015, 4, 14),
    )
    services.hold_place(
        person=held.people.get(), reason="litigation", details="Claim", by=service_manager
    )
    # The beat's daily sweep, run as it would be.
    services.retention_sweep()
    return free, held


def test_a_record_past_retention_is_destroyed_on_approval_and_counted_in_its_year(
    pages, two_old_records
):
    free, held = two_old_records
    page = pages.page
    pages.sign_in("servicemgr")
    pages.goto("/privacy/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Records past retention")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=held.reference)).to_contain_text("Held")
    expect(rows.filter(has_text=held.reference).get_by_role("link", name="Approve")).to_have_count(
        0
    )

    rows.filter(has_text=free.reference).get_by_role("link", name="Approve destruction").click()
    pages.check()
    page.get_by_role("button", name="Approve destruction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm")
    pages.check()
    page.get_by_label("Reason for approving destruction").fill("Retention ended, nothing open")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Approve destruction").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("destroyed")
    pages.check()
    expect(page.locator("tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Destroyed records per year").click()
    pages.check()
    row = page.locator("tbody tr").filter(has_text="2015")
    expect(row).to_contain_text("no further action")
    expect(row.locator("td").last).to_have_text("1")

    pages.goto(free.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Page not found")


def test_a_legal_hold_blocks_destruction_and_the_page_says_so(pages, two_old_records):
    _, held = two_old_records
    review = RetentionReview.objects.get(contact=held)
    page = pages.page
    pages.sign_in("servicemgr")
    pages.goto(f"/privacy/retention/{review.pk}/destroy/")
    expect(page.locator(".govuk-warning-text").first).to_contain_text("legal hold is in force")
    page.get_by_label("Reason for approving destruction").fill("Retention ended")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Approve destruction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("legal hold is in force")
    pages.check()
    review.refresh_from_db()
    assert review.is_open


def test_a_hold_is_placed_from_the_persons_page(pages, two_old_records):
    free, _ = two_old_records
    person = free.people.get()
    page = pages.page
    pages.sign_in("servicemgr")
    pages.goto(person.get_absolute_url())
    page.get_by_role("link", name="Legal holds on this person").click()
    pages.check()
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why")
    pages.check()
    page.get_by_label("Complaint or ombudsman investigation").check()
    page.get_by_label("What is the hold for?").fill("Ombudsman case 42")
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Legal hold placed")
    expect(page.locator("tbody")).to_contain_text("In force")
    pages.check()
