"""A police user answers the MASH's request for checks in the browser; every page passes axe."""

import pytest
from playwright.sync_api import expect

from mash import enquiries
from mash.models import AnswerStatus, RequestStatus
from tests.factories import PersonFactory, contact_with_mash

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_police_user_saves_a_draft_then_submits_an_answer(
    pages,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    partner_user,
    police,
):
    contact = contact_with_mash(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        children=[PersonFactory(first_name="Ada", last_name="Okafor")],
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
    (request,) = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=mash_social_worker,
        profile=camden,
        agencies=[police],
        question="Any call-outs to the home?",
    )
    page = pages.page
    pages.sign_in("police")
    page.get_by_role("link", name="Requests for checks").click()
    expect(page.get_by_role("row").filter(has_text=contact.reference)).to_contain_text(
        "Awaiting an answer"
    )
    pages.check()
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", name="Ada Okafor")).to_be_visible()
    pages.check()
    page.get_by_label("Information your agency holds").fill("Two call-outs in March.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Draft version 1")).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your analysis")
    pages.check()
    page.get_by_label("What the information means for the child").fill("Escalating domestic abuse.")
    page.get_by_role("group", name="May this be shared with the service").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="May this be shared with the family").get_by_label("No").check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Version 1 (current)")).to_be_visible()
    expect(page.get_by_role("heading", name="Correct this answer")).to_be_visible()
    pages.check()
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    answer = request.answers.get()
    assert answer.status == AnswerStatus.SUBMITTED
    assert answer.share_with_receiving_service and not answer.share_with_family
