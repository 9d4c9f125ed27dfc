"""Two people editing one person: the later save is told and keeps its typing; a partner check
closed by the MASH decision reads "No longer needed". Axe on every page."""

import pytest
from playwright.sync_api import expect

from accounts.models import AgencyKind
from referrals import services
from tests.factories import PersonFactory, agency_user, partner_requests
from tests.mash.test_unanswered_checks import decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_later_of_two_person_editors_is_told_and_keeps_what_they_typed(
    pages, screening_officer, senior_practitioner
):
    screening_officer.username = "officer"
    screening_officer.save()
    person = PersonFactory(first_name="Jon", last_name="Smith")
    page = pages.page
    pages.sign_in("officer")
    pages.goto(f"/people/{person.pk}/edit/")
    # Meanwhile a colleague saves a different first name.
    services.person_update(
        person=person, by=senior_practitioner, reason="Corrected", first_name="Jonathan"
    )
    page.get_by_label("First name").fill("John")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#changed-meanwhile")).to_contain_text("saved changes")
    expect(page.locator("#changed-meanwhile")).to_contain_text("Saved now: Jonathan")
    expect(page.get_by_label("First name")).to_have_value("John")
    pages.check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("John Smith")
    pages.check()
    person.refresh_from_db()
    assert person.first_name == "John"


def test_a_check_closed_by_the_decision_shows_as_no_longer_needed(
    pages, havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    made = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    health = made[AgencyKind.HEALTH]
    agency_user(health.agency, username="nurse")
    decide(health, worker=mash_social_worker, manager=mash_manager, profile=havering)
    page = pages.page
    pages.sign_in("nurse")
    pages.goto("/partner/requests/")
    expect(page.locator("main")).to_contain_text("No longer needed")
    pages.goto(f"/partner/requests/{health.pk}/")
    expect(page.locator("main")).to_contain_text("No longer needed")
    expect(page.get_by_role("button", name="Submit answer")).to_have_count(0)
