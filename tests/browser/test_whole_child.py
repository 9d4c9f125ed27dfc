"""Seeing the whole child in the browser: the chronology (MASH entries for the MASH, none for
early help), what the service knows about a child with several contacts, and a warning
proposed, agreed and then seen on a contact and on a partner's request. Every page passes axe."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mash import enquiries
from referrals import rating, services
from tests.factories import (
    PersonFactory,
    complete_contact,
    contact_with_mash,
    green_contact,
    partner_requests,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_chronology_shows_mash_entries_to_a_mash_worker_and_not_to_early_help(
    pages,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    early_help_manager,
):
    child = PersonFactory(first_name="Rowan", last_name="Chronicle")
    requests = partner_requests(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        children=[child],
    )
    mash_contact = next(iter(requests.values())).enquiry.contact
    green = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    page = pages.page
    url = reverse("referrals:person_chronology", args=[child.pk])

    pages.sign_in("mashsw")
    pages.goto(reverse("referrals:person_detail", args=[child.pk]))
    page.get_by_role("link", name="See the whole chronology").click()
    table = page.locator("table.app-chronology")
    expect(table).to_contain_text("MASH enquiry opened")
    expect(table).to_contain_text(mash_contact.reference)
    expect(table).to_contain_text(green.reference)
    pages.check()
    page.get_by_label("MASH enquiries").check()
    page.get_by_role("button", name="Apply filter").click()
    expect(table).to_contain_text("Checks asked of")
    expect(table).not_to_contain_text("Initial rating")
    pages.check()
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_text("Printed")).to_be_visible()
    pages.check()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Apply filter")).to_have_count(0)
    page.emulate_media(media="screen")
    _sign_out(page)

    pages.sign_in("ehmgr")
    pages.goto(url)
    expect(table).to_contain_text(green.reference)
    expect(table).not_to_contain_text(mash_contact.reference)
    expect(page.get_by_text("MASH enquiry opened")).to_have_count(0)
    expect(page.get_by_label("MASH enquiries")).to_be_visible()


def test_person_page_says_what_is_known_about_a_child_with_several_contacts(
    pages, camden, screening_officer, senior_practitioner
):
    child = PersonFactory(first_name="Remy", last_name="Repeat")
    for _ in range(2):
        contact_with_mash(
            officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
        )
    third = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=third, by=screening_officer, profile=camden)

    pages.sign_in("senior")
    pages.goto(reverse("referrals:person_detail", args=[child.pk]))
    known = pages.page.locator(".app-known-status")
    expect(known).to_contain_text("Known from previous contacts")
    expect(known).to_contain_text("3 contacts in the last 12 months (3 in all), 2 to the MASH")
    expect(known).to_contain_text(third.reference)
    expect(known).not_to_contain_text("Not known")


def test_a_warning_proposed_and_agreed_shows_on_the_contact_and_to_the_partner(
    pages,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    partner_user,
    police,
):
    father = PersonFactory(
        first_name="Victor", last_name="Vance", date_of_birth=dt.date(1985, 3, 1)
    )
    child = PersonFactory(first_name="Vera", last_name="Vance")
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_link_person(
        contact=contact,
        person=father,
        by=screening_officer,
        role="parent_carer",
        relationship_to_children="father",
        has_parental_responsibility=True,
        lives_with_children=True,
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="red",
        level=4,
        cp_concerns=True,
        rationale="Knife incident at home",
        outcome="mash",
    )
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=camden, worker=mash_social_worker
    )
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    (police_request,) = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=mash_social_worker,
        profile=camden,
        agencies=[police],
        question="Any call-outs to the home?",
    )
    review = timezone.localdate() + dt.timedelta(days=90)
    page = pages.page

    pages.sign_in("screener")
    pages.goto(reverse("referrals:person_detail", args=[father.pk]))
    page.get_by_role("link", name="Propose a warning").click()
    pages.check()
    page.get_by_role("button", name="Propose the warning").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the type of warning")
    pages.check()
    page.get_by_label("Staff safety").check()
    page.get_by_label("Reason for the warning").fill("Threatened a social worker with a knife.")
    page.get_by_label("What partner agencies are told").fill("Visit in pairs; do not go alone.")
    page.get_by_label("Day").fill(str(review.day))
    page.get_by_label("Month").fill(str(review.month))
    page.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Propose the warning").click()
    expect(page.get_by_text("a manager needs to agree it")).to_be_visible()
    expect(page.locator(".app-person-warning")).to_have_count(0)
    pages.check()
    _sign_out(page)

    pages.sign_in("mashmgr")
    pages.goto(reverse("work_tray"))
    page.get_by_role("link", name="W0").first.click()
    page.get_by_role("link", name="Agree the warning").click()
    pages.check()
    page.get_by_role("button", name="Agree the warning").click()
    expect(page.get_by_text("it now shows wherever the person appears")).to_be_visible()
    pages.check()
    pages.goto(contact.get_absolute_url())
    expect(page.locator(".app-person-warning")).to_contain_text("Staff safety: Victor Vance")
    expect(page.locator(".app-person-warning")).to_contain_text("Threatened a social worker")
    pages.goto(reverse("mash:queue"))
    expect(page.get_by_role("row").filter(has_text=contact.reference)).to_contain_text("Warning")
    pages.check()
    _sign_out(page)

    pages.sign_in("police")
    pages.goto(reverse("mash:partner_request", args=[police_request.pk]))
    banner = page.locator(".app-person-warning")
    expect(banner).to_contain_text("Staff safety: Victor Vance")
    expect(banner).to_contain_text("Visit in pairs; do not go alone.")
    expect(banner).not_to_contain_text("knife")
