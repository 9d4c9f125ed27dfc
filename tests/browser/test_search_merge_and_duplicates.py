"""Find a person by postcode fragment, contact reference and one half of a double-barrelled
name; merge two records of one child, moving their contacts and history; a duplicate contact
flagged in the queue and handled together. axe on every page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from referrals.models import ContactPerson, PersonMerge
from tests.factories import PersonFactory, complete_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search(pages, **fields):
    page = pages.page
    pages.goto("/people/")
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Search").click()
    pages.check()


def test_find_a_person_by_postcode_fragment_reference_and_half_a_surname(
    pages, screening_officer, camden
):
    zara = PersonFactory(
        first_name="Zara",
        last_name="Okafor-Smith",
        address={"line_1": "14 Victoria Road", "town": "Romford", "postcode": "RM1 2JT"},
    )
    PersonFactory(
        first_name="Ben",
        last_name="Cole",
        address={"line_1": "2 Upper Street", "town": "London", "postcode": "N1 2XX"},
    )
    contact = complete_contact(by=screening_officer, children=[zara])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    page = pages.page
    pages.sign_in("screener")

    _search(pages, **{"Address or postcode": "RM"})
    results = page.locator("#search-results")
    expect(results).to_contain_text("Zara Okafor-Smith")
    expect(results).not_to_contain_text("Ben Cole")

    _search(pages, **{"Reference": contact.reference.lower()})
    expect(page.locator("#contact-results")).to_contain_text(contact.reference)
    expect(page.locator("#contact-results")).to_contain_text("Zara Okafor-Smith")

    _search(pages, **{"Last name": "Smith"})
    expect(page.locator("#search-results")).to_contain_text("Zara Okafor-Smith")
    page.get_by_role("link", name="Zara Okafor-Smith").first.click()
    expect(page.get_by_role("heading", name="Zara Okafor-Smith")).to_be_visible()
    pages.check()

    # One character of a postcode is too little: a GOV.UK error, what was typed kept.
    _search(pages, **{"Address or postcode": "R"})
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least two letters")
    expect(page.get_by_label("Address or postcode")).to_have_value("R")


def test_early_help_duty_manager_finds_a_person_from_the_navigation(pages, early_help_manager):
    PersonFactory(first_name="Zara", last_name="Okafor-Smith")
    page = pages.page
    pages.sign_in("ehmgr")
    page.get_by_role("link", name="Find a person").click()
    pages.check()
    page.get_by_label("Last name").fill("Smith")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-results")).to_contain_text("Zara Okafor-Smith")
    expect(page.locator("#search-results")).to_contain_text("Not open to you")
    pages.check()


def test_a_manager_merges_two_records_and_both_contacts_move_with_their_history(
    pages, screening_officer, mash_manager, camden
):
    kept = PersonFactory(
        first_name="Kayden", last_name="Brooks", date_of_birth=dt.date(2018, 2, 11)
    )
    other = PersonFactory(
        first_name="Kaiden",
        last_name="Brookes",
        date_of_birth=dt.date(2018, 2, 11),
        nhs_number=None,
    )
    first = complete_contact(by=screening_officer, children=[kept])
    second = complete_contact(by=screening_officer, children=[other])
    third = complete_contact(by=screening_officer, children=[other])
    for contact in (first, second, third):
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    page = pages.page
    pages.sign_in("mashmgr")
    pages.goto(kept.get_absolute_url())
    page.get_by_role("link", name="Merge with another record of Kayden Brooks").click()
    pages.check()
    page.get_by_label("Case number of the other record").fill(other.case_number)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the records before merging")).to_be_visible()
    expect(page.get_by_role("heading", name=other.case_number)).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Merge the records").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why these records are the same person"
    )
    pages.check()
    page.get_by_label(f"Keep {kept.case_number}").check()
    page.get_by_label("Why are these the same person?").fill("Same school, same birthday, misspelt")
    page.get_by_role("button", name="Merge the records").click()

    expect(page.get_by_role("heading", name="Kayden Brooks")).to_be_visible()
    expect(page.locator("body")).to_contain_text(f"{other.case_number} was merged into")
    pages.check()
    assert set(ContactPerson.objects.filter(person=kept).values_list("contact", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }
    page.get_by_role("link", name=f"see what moved from {other.case_number}").click()
    moved = page.locator("#moved")
    expect(moved).to_contain_text(f"Contact {second.reference}")
    expect(moved).to_contain_text(f"Contact {third.reference}")
    expect(page.locator("body")).to_contain_text("Same school, same birthday, misspelt")
    pages.check()
    link = ContactPerson.objects.get(contact=second)
    assert link.history.first().history_user == mash_manager
    # The old record's address leads to the kept one.
    pages.goto(other.get_absolute_url())
    expect(page.get_by_role("heading", name="Kayden Brooks")).to_be_visible()
    assert PersonMerge.objects.get().merged == other


def test_a_duplicate_contact_is_flagged_in_the_queue_and_handled_together(
    pages, screening_officer, camden
):
    zara = PersonFactory(first_name="Zara", last_name="Okafor-Smith")
    school = complete_contact(
        by=screening_officer, children=[zara], received_at=timezone.now() - dt.timedelta(hours=6)
    )
    services.contact_submit(contact=school, by=screening_officer, profile=camden)
    police = complete_contact(by=screening_officer, children=[zara])
    services.contact_submit(contact=police, by=screening_officer, profile=camden)
    page = pages.page
    pages.sign_in("screener")
    page.get_by_role("link", name="New contacts").click()
    expect(page.locator("body")).to_contain_text(f"Possible duplicate of {school.reference}")
    pages.check()
    page.get_by_role("link", name=police.reference).click()
    expect(page.locator(".app-duplicate-flag")).to_contain_text(school.reference)
    pages.check()
    page.get_by_role("link", name="Decide whether to handle them together").click()
    expect(
        page.get_by_role("heading", name="Are these contacts about the same incident?")
    ).to_be_visible()
    pages.check()
    page.get_by_label("Yes: handle them together").check()
    page.get_by_label("Reason").fill("Same domestic incident last night")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".app-duplicate-flag")).to_contain_text(
        f"Handled together with {school.reference}"
    )
    pages.check()
    pages.goto(school.get_absolute_url())
    expect(page.locator(".app-duplicate-flag")).to_contain_text(
        f"Handled together with {police.reference}"
    )
    pages.check()


def test_a_name_search_cut_at_its_limit_warns_that_more_may_match(pages, screening_officer):
    for day in range(26):
        PersonFactory(first_name="Liam", last_name="Jones", date_of_birth=dt.date(2012, 3, day + 1))
    page = pages.page
    pages.sign_in("screener")
    _search(pages, **{"First name or initial": "Liam", "Last name": "Jones"})
    warning = page.locator("#more-matches")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("More people may match these details than the 25 shown")
    expect(page.locator("#search-results")).to_contain_text("Liam Jones")
