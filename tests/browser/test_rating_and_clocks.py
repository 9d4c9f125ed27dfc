"""A senior practitioner rates a contact red; the MASH manager sees it with its 4-hour clock, then overdue."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from referrals import services
from tests.factories import PersonFactory, UserFactory, complete_contact
from thresholds.services import deadline_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_red_rating_puts_contact_on_mash_queue_with_four_hour_clock_that_goes_overdue(
    pages, camden, screening_officer, senior_practitioner
):
    UserFactory(username="mashboss", roles=[Role.MASH_MANAGER])
    contact = complete_contact(
        by=screening_officer, children=[PersonFactory(first_name="Ivy", last_name="Stone")]
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    page = pages.page

    pages.sign_in("senior")
    pages.goto("/contacts/awaiting-rating/")
    page.get_by_role("link", name=contact.reference).click()
    pages.check()
    page.get_by_role("button", name="Rate this contact").click()
    pages.check()
    page.get_by_role("group", name="RAG rating").get_by_label("Red").check()
    page.get_by_role("group", name="Level of need").get_by_label(
        "Level 4: Child protection"
    ).check()
    page.get_by_role("group", name="Are there child protection concerns?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Rationale").fill("Bruising to a non-mobile baby: risk of serious harm.")
    page.get_by_role("button", name="Confirm rating").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("rated red")
    expect(page.locator("#clocks")).to_contain_text("Red: partner checks and decision")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("mashboss")
    pages.goto("/contacts/mash/")  # the old address redirects to the MASH queue
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).to_contain_text("Red: partner checks and decision")
    expect(row).to_contain_text(re.compile(r"3 hours 5\d minutes left"))

    with time_machine.travel(timezone.now() + dt.timedelta(hours=4, minutes=30), tick=True):
        deadline_sweep()
        page.reload()
        expect(row).to_contain_text("overdue by 30 minutes")
        pages.check()
        page.get_by_role("link", name=contact.reference, exact=True).click()
        expect(page.locator("#clocks")).to_contain_text("Overdue")
        pages.check()
        pages.goto("/dashboard/")
        overdue = (
            page.get_by_role("row")
            .filter(has_text=contact.reference)
            .filter(has_text="Red: partner checks")
        )
        expect(overdue).to_contain_text("Red: partner checks and decision")
        expect(overdue).to_contain_text("Overdue by 30 minutes")
