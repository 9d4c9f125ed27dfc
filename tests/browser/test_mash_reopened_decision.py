"""A decision reopened after a disagreement, in the browser with axe on every page: the worker
asks the police again from the checks page, the enquiry shows both rounds, and the manager's
decision page sets out the decision being replaced."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Team, TeamKind
from mash.models import PartnerRequest
from tests.factories import PersonFactory
from tests.mash.records import answer_checks, checks_requested, decided, mash_contact
from tests.mash.reopening import change, police_disagrees

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reopened(
    settings, havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    settings.COUNCIL_PROFILE = "havering"
    team = Team.objects.get(profile=havering, kind=TeamKind.SOCIAL_WORK)
    team.duty_email = "cssw-duty@havering.example"
    team.save()
    contact = mash_contact(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=havering,
        children=[PersonFactory(first_name="Ada", last_name="Okafor")],
    )
    enquiry, requests = checks_requested(
        contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
    )
    enquiry, police_user = decided(
        enquiry=enquiry,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        team=team,
    )
    police = PartnerRequest.objects.get(enquiry=enquiry, agency__kind="police")
    disagreement = police_disagrees(request=police, user=police_user, profile=havering)
    change(disagreement, manager=mash_manager, profile=havering, reasons="New police information.")
    return enquiry, police, police_user


def test_asking_the_police_again_and_deciding_again_after_a_reopening(
    pages, reopened, mash_manager, mash_social_worker
):
    enquiry, police, police_user = reopened
    page = pages.page

    pages.sign_in(mash_social_worker.username)
    pages.goto(reverse("mash:enquiry_checks", args=[enquiry.pk]))
    expect(page.get_by_text("can be asked again")).to_be_visible()
    page.get_by_label(police.agency.name).check()
    page.get_by_role("button", name="Send the requests").click()
    pages.check()
    expect(page.locator("#partner-requests")).to_contain_text("Asked again (request 2 of 2)")

    again = PartnerRequest.objects.get(enquiry=enquiry, agency=police.agency, status="open")
    answer_checks(again, police_user, held="An arrest last week.", share=False)
    pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
    expect(page.locator("#partner-requests")).to_contain_text("requests answered")
    expect(page.get_by_text("answer to request 2 of 2", exact=False)).to_be_visible()

    page.context.clear_cookies()
    pages.sign_in(mash_manager.username)
    pages.goto(reverse("mash:enquiry_decide", args=[enquiry.pk]))
    expect(page.locator("#deciding-again")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Previous decision, changed after disagreement")
    ).to_be_visible()
    expect(page.get_by_text("New police information.")).to_be_visible()
    expect(page.get_by_role("link", name="The disagreement from")).to_be_visible()
