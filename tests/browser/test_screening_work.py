"""Issue 12 at the front door, in the browser with axe on every page: a receipt clock ticking
on an unscreened contact, an urgent contact at the top of the queue with its reason, a
correction shown with its reason, an early help step-up reaching the MASH, management oversight
recorded, and a MERLIN CSV with several errors reporting them all."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from referrals.merlin.models import MerlinReport
from tests.factories import PersonFactory, complete_contact, green_contact, open_involvement
from tests.referrals.merlin_helpers import GOOD_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submitted(officer, profile, *, name: str, hours_ago: int, urgent: str = ""):
    first, last = name.split()
    contact = complete_contact(
        by=officer,
        children=[PersonFactory(first_name=first, last_name=last)],
        received_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )
    if urgent:
        services.contact_update_section(
            contact=contact,
            by=officer,
            section="details",
            data={"urgent": True, "urgent_reason": urgent},
        )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    return contact


@override_settings(COUNCIL_PROFILE="camden")
def test_an_urgent_contact_tops_the_queue_with_its_reason_and_its_receipt_clock_ticks(
    pages, camden, screening_officer
):
    older = _submitted(screening_officer, camden, name="Ola Older", hours_ago=5)
    urgent = _submitted(
        screening_officer,
        camden,
        name="Una Urgent",
        hours_ago=1,
        urgent="She says she cannot go home tonight.",
    )
    page = pages.page
    pages.sign_in("screener")
    pages.goto(reverse("referrals:queue_new"))
    expect(page.locator("#queue-order")).to_contain_text("Ordered by: urgent contacts first")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text(urgent.reference)
    expect(rows.first).to_contain_text("Urgent")
    expect(rows.first).to_contain_text("She says she cannot go home tonight.")
    expect(rows.nth(1)).to_contain_text(older.reference)
    # The receipt clock: 24 hours from when the call came in, 5 hours ago.
    expect(rows.nth(1)).to_contain_text("Screened from receipt")
    expect(rows.nth(1)).to_contain_text(re.compile(r"18 hours 5\d minutes left"))
    pages.check()
    page.get_by_role("link", name=older.reference).click()
    expect(page.locator("#clocks")).to_contain_text("Screened from receipt")
    pages.check()


@override_settings(COUNCIL_PROFILE="camden")
def test_a_senior_practitioner_corrects_a_contact_and_the_page_shows_why(
    pages, camden, screening_officer, senior_practitioner
):
    contact = _submitted(screening_officer, camden, name="Cora Correct", hours_ago=1)
    page = pages.page
    pages.sign_in("senior")
    pages.goto(contact.get_absolute_url())
    page.get_by_role("link", name="the concerns").click()
    pages.check()
    page.get_by_label("What are the concerns, or what is being asked for?").fill(
        "Bruising to the right arm."
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the contact is being corrected"
    )
    pages.check()
    page.get_by_label("Why are you correcting the contact?").fill("The school rang back.")
    page.get_by_role("button", name="Save the correction").click()
    section = page.locator("#corrections + .app-answer")
    expect(section).to_contain_text("The school rang back.")
    expect(section).to_contain_text("Child arrived with bruising.")
    expect(section).to_contain_text("Bruising to the right arm.")
    expect(page.locator("main")).to_contain_text("Corrected by")
    pages.check()


@override_settings(COUNCIL_PROFILE="camden")
def test_the_early_help_duty_manager_steps_a_green_contact_up_to_the_mash(
    pages, camden, screening_officer, senior_practitioner, early_help_manager, mash_manager
):
    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    page = pages.page
    pages.sign_in("ehmgr")
    pages.goto(reverse("early_help:decide", args=[contact.pk]))
    page.get_by_role("link", name="Step this contact up to the MASH").click()
    pages.check()
    page.get_by_role("button", name="Step up to the MASH").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the case needs")
    pages.check()
    page.get_by_label("Red: risk of immediate or serious harm").check()
    page.get_by_label("Why does the case need the MASH?").fill(
        "16 years old with nowhere to stay tonight."
    )
    page.get_by_role("button", name="Step up to the MASH").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "stepped up to the MASH"
    )
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("mashmgr")
    pages.goto(reverse("mash:queue"))
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).to_contain_text("Red: partner checks and decision")
    pages.check()
    row.get_by_role("link", name=contact.reference, exact=True).click()
    expect(page.locator("main")).to_contain_text("16 years old with nowhere to stay tonight.")
    pages.check()


@override_settings(COUNCIL_PROFILE="camden")
def test_a_team_manager_records_oversight_from_a_workers_tray(
    pages, camden, screening_officer, social_worker, social_work_team, team_manager
):
    child = PersonFactory(first_name="Olly", last_name="Oversight")
    open_involvement(child, team=social_work_team, worker=social_worker)
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    page = pages.page
    pages.sign_in("teammgr")
    page.get_by_role("link", name="Workers' trays").first.click()
    pages.check()
    page.get_by_role("link", name=str(social_worker)).click()
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).to_contain_text("Oversight needed")
    pages.check()
    row.get_by_role("link", name=re.compile("Record oversight")).click()
    pages.check()
    due = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("Oversight note").fill("Reviewed in supervision.")
    page.get_by_label("Action 1", exact=True).fill("Visit and see Olly alone")
    page.get_by_label("Who owns action 1").select_option(str(social_worker.pk))
    group = page.get_by_role("group", name="Complete action 1 by")
    group.get_by_label("Day").fill(str(due.day))
    group.get_by_label("Month").fill(str(due.month))
    group.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Record the oversight").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded")
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).not_to_contain_text("Oversight needed")
    expect(row).to_contain_text("Last by")
    pages.check()
    pages.goto(contact.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Visit and see Olly alone")
    pages.check()


@override_settings(COUNCIL_PROFILE="camden")
def test_a_merlin_csv_with_several_errors_reports_them_all_at_once(pages, partner_user, tmp_path):
    lines = GOOD_CSV.splitlines(keepends=True)
    lines[1] = lines[1].replace(",yes,child,Ava", ",no,child,Ava")
    lines[3] = lines[3].replace("1985-01-01", "31/31/1985")
    lines[4] = lines[4].replace("MER-AD-2,green", "MER-AD-2,purple")
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(lines))
    pages.sign_in("police")
    pages.goto(reverse("referrals:merlin_upload"))
    pages.page.get_by_label("CSV file of MERLIN reports").set_input_files(str(bad))
    pages.page.get_by_role("button", name="Upload and import").click()
    summary = pages.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 2, column decision_maker_signed_off")
    expect(summary).to_contain_text("Row 4, column date_of_birth")
    expect(summary).to_contain_text("Row 5, column police_rag")
    pages.check()
    assert MerlinReport.objects.count() == 0
