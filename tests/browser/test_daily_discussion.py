"""The MASH manager minutes the daily discussion in the browser; every page passes axe."""

import pytest
from playwright.sync_api import expect

from mash.models import DiscussionItem
from referrals import rating
from referrals import services as contacts
from referrals.models import ContactStatus
from tests.factories import PersonFactory, complete_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mash_manager_minutes_attendees_and_a_decision(
    pages, camden, screening_officer, senior_practitioner, mash_manager, team_manager
):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    contacts.contact_submit(contact=contact, by=screening_officer, profile=camden)
    contacts.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Unclear whether a child in need",
        outcome="daily_discussion",
        borderline="amber_green",
    )
    page = pages.page
    pages.sign_in("mashmgr")
    page.get_by_role("link", name="Daily discussion").click()
    expect(page.get_by_role("row").filter(has_text=contact.reference)).to_contain_text(
        "Borderline amber or green"
    )
    pages.check()
    page.get_by_role("button", name="Save attendees").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who attended")
    pages.check()
    page.get_by_label(str(team_manager)).check()
    page.get_by_label("Other attendees (name and role)").fill("Sam Lee, FSEH team manager")
    page.get_by_role("button", name="Save attendees").click()
    page.get_by_role("link", name=f"Minute the decision on {contact.reference}").click()
    pages.check()
    page.get_by_label("Early help").check()
    page.get_by_label("Reason for the decision").fill(
        "Needs can be met by early help; family agree."
    )
    page.get_by_role("button", name="Minute the decision").click()
    expect(page.get_by_role("row").filter(has_text=contact.reference)).to_contain_text("Early help")
    pages.check()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.WITH_EARLY_HELP
    assert (
        DiscussionItem.objects.get(contact=contact).discussion.other_attendees
        == "Sam Lee, FSEH team manager"
    )
