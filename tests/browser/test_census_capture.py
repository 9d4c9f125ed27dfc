"""A senior practitioner refers a contact with the child's primary need; the receiving team
manager records the census details on the contact page. Axe on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from referrals.models import CinEpisode
from tests.factories import PersonFactory, complete_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_primary_need_at_the_referral_then_census_details_on_the_contact(
    pages, camden, screening_officer, senior_practitioner, team_manager, social_work_team
):
    social_work_team.profile = camden  # offered on the rating form, which lists camden's teams
    social_work_team.save()
    child = PersonFactory(first_name="Nell", last_name="Census")
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    page = pages.page

    pages.sign_in("senior")
    pages.goto(f"/people/{child.pk}/edit/")
    page.get_by_label("Reason there is no UPN").select_option("UN1")
    page.get_by_role("group", name="Disabilities").get_by_label("No disability").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("main")).to_contain_text("UN1: child not of school age")
    pages.check()

    pages.goto(f"/contacts/{contact.pk}/rate/")
    page.get_by_role("group", name="RAG rating").get_by_label("Amber").check()
    page.get_by_role("group", name="Level of need").get_by_label("Level 3", exact=False).check()
    page.get_by_role("group", name="Are there child protection concerns?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("group", name="What happens next").get_by_label(
        "Referral to a social work team"
    ).check()
    page.get_by_label("Social work team (for a referral)").select_option(str(social_work_team.pk))
    page.get_by_role("group", name="Type of assessment (for a referral)").get_by_label(
        "Child and Family Assessment", exact=False
    ).check()
    page.get_by_label("Rationale").fill("Family in acute stress: a child in need.")
    # Forgetting the primary need is answered on the page, with the answers kept.
    page.get_by_role("button", name="Confirm rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("primary need")
    expect(page.get_by_label("Rationale")).to_have_value("Family in acute stress: a child in need.")
    pages.check()
    page.get_by_label("Primary need (for a referral)").select_option("N4")
    page.get_by_role("button", name="Confirm rating").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("rated amber")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("teammgr")
    pages.goto(contact.get_absolute_url())
    census = page.locator(".govuk-summary-card").filter(has_text="Nell Census")
    expect(census).to_contain_text("N4: family in acute stress")
    census.get_by_role("link", name="Change").click()
    pages.check()
    today = timezone.localdate()
    start = page.get_by_role("group", name="Assessment start date")
    start.get_by_label("Day").fill("31")
    start.get_by_label("Month").fill("2")
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Save census details").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    pages.check()
    start.get_by_label("Day").fill(str(today.day))
    start.get_by_label("Month").fill(str(today.month))
    page.get_by_role("button", name="Save census details").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Census details")
    expect(census).to_contain_text(f"{today.day} {today:%B %Y}")
    pages.check()
    assert CinEpisode.objects.get(person=child).assessment_started_on == today
