"""The MASH step pages and the information-request response, with their error states: axe finds
nothing on any of them, and a page with errors keeps what was typed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mash import enquiries
from referrals import services
from referrals.models import ContactSource
from tests.factories import PersonFactory, complete_contact, contact_with_mash

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mash_step_pages_and_their_errors_pass_axe(
    pages, camden, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=camden
    )
    page = pages.page
    pages.sign_in(mash_manager.username)
    pages.goto(contact.get_absolute_url())
    page.get_by_role("button", name="Open a MASH enquiry").click()
    expect(page.get_by_role("heading", name="Open a MASH enquiry")).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Open the enquiry").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Not assigned")
    pages.check()
    enquiry = contact.enquiry

    pages.goto(reverse("mash:enquiry_assign", args=[enquiry.pk]))
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a MASH social worker")
    pages.check()
    page.get_by_label("MASH social worker").select_option(label=str(mash_social_worker))
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("assigned")

    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="not_sought",
        ground="immediate_danger",
        rationale="Immediate danger",
    )
    pages.goto(reverse("mash:enquiry_checks", args=[enquiry.pk]))
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one agency")
    pages.check()

    pages.goto(reverse("mash:enquiry_analysis", args=[enquiry.pk]))
    page.get_by_label("Summary of the information gathered").fill("Police hold two call-outs.")
    page.get_by_role("button", name="Save the analysis").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your analysis")
    expect(summary).to_contain_text("Select a level of need")
    expect(page.get_by_label("Summary of the information gathered")).to_have_value(
        "Police hold two call-outs."
    )
    pages.check()

    pages.goto(reverse("mash:enquiry_decide", args=[enquiry.pk]))
    page.get_by_label("Rationale for the final rating").fill("Risk of significant harm.")
    page.get_by_role("button", name="Confirm the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the final RAG rating")
    expect(page.get_by_label("Rationale for the final rating")).to_have_value(
        "Risk of significant harm."
    )
    pages.check()


def test_information_response_pages_pass_axe(pages, camden, screening_officer, senior_practitioner):
    contact = complete_contact(
        by=screening_officer,
        children=[PersonFactory()],
        source=ContactSource.INFORMATION_REQUEST,
        concerns="The family court asks whether the family is known.",
    )
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="details",
        data={"information_only": True, "requesting_body": "Central Family Court"},
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    page = pages.page
    pages.sign_in(screening_officer.username)
    pages.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Write or authorise the response").click()
    expect(
        page.get_by_role("heading", name="Response to the request for information")
    ).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the response")
    pages.check()
    page.get_by_label("Response to the request").fill("Not known to children's services.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Response saved")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in(senior_practitioner.username)
    pages.goto(reverse("referrals:information_response", args=[contact.pk]))
    page.get_by_role("button", name="Authorise the response").click()
    expect(page.get_by_role("heading", name="Authorised response")).to_be_visible()
    pages.check()
