"""A screening officer logs a phone contact for a known child, end to end, in the browser."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Contact, ContactStatus
from tests.factories import PersonFactory, closed_involvement, open_involvement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _fill_referrer(page):
    page.get_by_role("link", name="The referrer").click()
    page.get_by_role("group", name="Is the referrer a professional?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Referrer's full name").fill("Sam Teacher")
    page.get_by_label("Who is the referrer?").select_option("2A")
    page.get_by_label("Organisation or agency").fill("Primrose Hill Primary School")
    page.get_by_label("Phone number").fill("020 7946 0123")


def test_screening_officer_logs_phone_contact_for_open_child(
    pages, screening_officer, social_worker, social_work_team
):
    child = PersonFactory(first_name="Amara", last_name="Smith", date_of_birth=dt.date(2016, 4, 9))
    open_involvement(child, team=social_work_team, worker=social_worker)
    page = pages.page
    pages.sign_in("screener")

    page.get_by_role("link", name="Log a contact").click()
    pages.check()
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Start logging").click()
    expect(page.get_by_role("heading", name="Log the contact")).to_be_visible()
    pages.check()

    _fill_referrer(page)
    pages.check()
    # A bad email is caught next to the field, and nothing typed is lost.
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    expect(page.get_by_label("Referrer's full name")).to_have_value("Sam Teacher")
    expect(page.get_by_label("Organisation or agency")).to_have_value(
        "Primrose Hill Primary School"
    )
    pages.check()
    page.get_by_label("Email address").fill("sam.teacher@example.org")
    page.get_by_role("button", name="Save and continue").click()

    # Matching: a spelling variant and the day and month swapped still find the child.
    page.get_by_role("link", name="Children", exact=True).click()
    page.get_by_label("First name or initial").fill("A")
    page.get_by_label("Last name").fill("Smyth")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#search-results")
    expect(results).to_contain_text("Amara Smith")
    expect(results).to_contain_text("Open to social care")
    expect(results).to_contain_text(str(social_worker))
    pages.check()
    page.get_by_role("button", name="Add Amara Smith as a child").click()

    page.get_by_role("link", name="The concerns").click()
    page.get_by_label("What are the concerns, or what is being asked for?").fill(
        "Amara arrived at school with a bruise on her cheek and said her dad hit her."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="The family's knowledge and agreement").click()
    pages.check()
    page.get_by_role("group", name="Does the family know about the referral?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("group", name="Does the family agree to the referral?").get_by_label(
        "Not known"
    ).check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("button", name="Check answers and submit").click()
    expect(
        page.get_by_role("heading", name="Check your answers before submitting the contact")
    ).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Submit contact").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "submitted for screening"
    )
    pages.check()

    page.get_by_role("button", name="Screen this contact").click()
    expect(page.locator("#screening-route")).to_contain_text("Passed to allocated worker")
    pages.check()
    page.get_by_role("button", name="Confirm screening decision").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("Passed to allocated worker")
    pages.check()

    contact = Contact.objects.get()
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.assigned_to == social_worker


def test_closed_child_goes_to_senior_practitioners_for_rating(
    pages, screening_officer, social_work_team
):
    child = PersonFactory(first_name="Leo", last_name="Okafor", date_of_birth=dt.date(2019, 1, 23))
    closed_involvement(
        child, team=social_work_team, closed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    page = pages.page
    pages.sign_in("screener")
    pages.goto("/people/")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-results")).to_contain_text(
        "Previously known to social care (closed)"
    )
    pages.check()
    page.get_by_role("link", name="Leo Okafor").first.click()
    expect(page.get_by_role("heading", name="Leo Okafor")).to_be_visible()
    pages.check()
