"""An administrator breaks the glass to read a contact: reason asked, managers told, axe clean."""

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from accounts.roles import Role
from referrals import services
from tests.factories import PersonFactory, UserFactory, complete_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_breaks_the_glass_and_reads_a_contact(
    pages, camden, screening_officer, mash_manager
):
    UserFactory(username="admin", roles=[Role.ADMINISTRATOR])
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    page = pages.page

    pages.sign_in("admin")
    pages.goto(contact.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Page not found")

    pages.goto("/work/")
    page.get_by_role("link", name="Break glass").click()
    pages.check()
    page.get_by_role("button", name="Break the glass").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
    pages.check()
    page.get_by_label("Why do you need to read case records?").fill("Subject access request 12")
    page.get_by_role("button", name="Break the glass").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("until")
    pages.check()
    assert Notification.objects.filter(user=mash_manager, title__contains="broke the glass")

    pages.goto(contact.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.reference)
    pages.check()
