"""Issue 4's acceptance: a red contact through consent override, five agencies' checks, the
final rating and the referral on, in the browser, with axe on every page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AgencyKind, PartnerAgency, Team, TeamKind
from accounts.roles import Role
from mash import enquiries
from mash.models import EnquiryStatus, InformationShared, PartnerRequest
from tests.factories import PersonFactory, UserFactory, agency_user, contact_with_mash
from thresholds.services import deadline_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Confidential sexual health clinic attendance by the mother"
ANSWERS = {
    AgencyKind.POLICE: "Three domestic abuse call-outs since March",
    AgencyKind.HEALTH: SECRET,
    AgencyKind.EDUCATION: "Attendance 71 per cent this term, often hungry",
    AgencyKind.DOMESTIC_ABUSE: "Mother known to the IDVA service in 2025",
    AgencyKind.PROBATION: "Father on licence for assault until 2027",
}


@pytest.fixture
def havering_run(settings, havering):
    settings.COUNCIL_PROFILE = "havering"
    team = Team.objects.get(profile=havering, kind=TeamKind.SOCIAL_WORK)
    team.duty_email = "cssw-duty@havering.example"
    team.save()
    return team


@pytest.fixture
def red_contact(havering_run, havering, screening_officer, senior_practitioner):
    child = PersonFactory(first_name="Zebedee", last_name="Quillfeather")
    return contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering, children=[child]
    )


def test_red_contact_through_override_five_agencies_final_rating_and_referral_on(
    pages, red_contact, havering, havering_run, mash_manager, mash_social_worker
):
    page = pages.page
    contact = red_contact
    mash_manager_name = str(mash_manager)

    # The MASH manager opens the enquiry from the queue and gives it to a worker.
    pages.sign_in(mash_manager.username)
    page.get_by_role("link", name="MASH queue").click()
    expect(page.get_by_role("heading", name="MASH queue")).to_be_visible()
    pages.check()
    page.get_by_role("link", name=re.compile(f"Open an enquiry on {contact.reference}")).click()
    expect(page.get_by_role("heading", name="Open a MASH enquiry")).to_be_visible()
    pages.check()
    page.get_by_label("MASH social worker").select_option(label=str(mash_social_worker))
    page.get_by_role("button", name="Open the enquiry").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("opened")
    expect(page.get_by_text("Contact record", exact=True)).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    # The worker seeks consent; the family refuses.
    pages.sign_in(mash_social_worker.username)
    pages.goto(reverse("mash:queue") + "?show=mine")
    page.get_by_role("link", name=re.compile(f"Open.*enquiry on {contact.reference}")).click()
    expect(page.get_by_role("heading", name=f"Contact {contact.reference}")).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("heading", name="Consent")).to_be_visible()
    pages.check()
    page.get_by_label("Sought and refused").check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("The family refused consent")
    expect(page.get_by_role("button", name="Ask partner agencies for checks")).to_have_count(0)
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    # The manager overrides the refusal: a ground and a rationale are required.
    pages.sign_in(mash_manager.username)
    enquiry = contact.enquiry
    pages.goto(reverse("mash:enquiry_consent", args=[enquiry.pk]))
    page.get_by_label("Refusal overridden").check()
    page.get_by_role("button", name="Record consent").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the ground for not seeking or overriding consent")
    expect(summary).to_contain_text("Enter the rationale")
    pages.check()
    page.get_by_label("Seeking consent would put the child at further risk").check()
    page.get_by_label("Rationale").fill("Telling the father would put the baby at further risk.")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Refusal overridden"
    )
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    # The worker asks Havering's five always-asked agencies, already selected.
    pages.sign_in(mash_social_worker.username)
    pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
    page.get_by_role("button", name="Ask partner agencies for checks").click()
    expect(page.get_by_role("heading", name="Ask partner agencies for checks")).to_be_visible()
    pages.check()
    for kind in ANSWERS:
        agency = PartnerAgency.objects.get(profile=havering, kind=kind, always_asked=True)
        expect(page.get_by_label(re.compile(re.escape(agency.name)))).to_be_checked()
    expect(page.get_by_label(re.compile("Havering housing"))).not_to_be_checked()
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator("#partner-requests")).to_contain_text("0 of 5 agencies answered")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    # Five partner users, one per agency, each see only their own request and answer it.
    requests = {r.agency.kind: r for r in PartnerRequest.objects.filter(enquiry=enquiry)}
    police_request_url = reverse("mash:partner_request", args=[requests[AgencyKind.POLICE].pk])
    for kind, text in ANSWERS.items():
        request = requests[kind]
        user = agency_user(request.agency, username=f"partner-{kind}")
        pages.sign_in(user.username)
        page.get_by_role("link", name="Requests for checks").click()
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(1)
        for other in ANSWERS:
            if other != kind:
                expect(page.get_by_text(requests[other].agency.name)).to_have_count(0)
        pages.check()
        if kind == AgencyKind.HEALTH:
            # Health may not open police's request, even by its address.
            page.goto(pages.base + police_request_url)
            expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
            page.go_back()
            expect(page.locator("tbody tr")).to_have_count(1)
        page.get_by_role("link", name=contact.reference).click()
        expect(page.get_by_label("Information your agency holds")).to_be_visible()
        pages.check()
        for other, other_text in ANSWERS.items():
            if other != kind:
                expect(page.get_by_text(other_text)).to_have_count(0)
        page.get_by_label("Information your agency holds").fill(text)
        page.get_by_label("What the information means for the child").fill("Adds to the risk.")
        share = "No" if kind == AgencyKind.HEALTH else "Yes"
        page.get_by_role("group", name="May this be shared with the service").get_by_label(
            share
        ).check()
        page.get_by_role("group", name="May this be shared with the family").get_by_label(
            "No"
        ).check()
        page.get_by_role("button", name="Submit answer").click()
        expect(page.get_by_text("Version 1 (current)")).to_be_visible()
        pages.check()
        page.get_by_role("button", name="Sign out").click()

    # The worker sees a MASH record and records the analysis.
    pages.sign_in(mash_social_worker.username)
    pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
    expect(page.get_by_text("MASH record", exact=True)).to_be_visible()
    expect(page.locator("#partner-requests")).to_contain_text("5 of 5 agencies answered")
    expect(page.get_by_text("Not to be shared with the receiving service")).to_have_count(1)
    pages.check()
    page.get_by_role("button", name="Record the analysis").click()
    page.get_by_label("Summary of the information gathered").fill(
        "All five agencies hold information."
    )
    page.get_by_label("Analysis", exact=True).fill("Escalating domestic abuse with a baby at home.")
    page.get_by_label("Level 4").check()
    page.get_by_label("Recommended action").fill("Refer for a Child and Family Assessment.")
    page.get_by_role("button", name="Save the analysis").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Analysis")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    # The manager gives the final rating and refers on.
    pages.sign_in(mash_manager.username)
    pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
    page.get_by_role("button", name="Make the decision").click()
    expect(page.get_by_role("heading", name="The manager's decision")).to_be_visible()
    pages.check()
    page.get_by_role("group", name="Final RAG rating").get_by_label("Red").check()
    page.get_by_label("Rationale for the final rating").fill("Risk of significant harm.")
    page.get_by_label("Referral to a social work team").check()
    page.get_by_label("Social work team (for a referral").select_option(label=havering_run.name)
    page.get_by_label("Child and Family Assessment").check()
    page.get_by_label("Primary need (for a referral or strategy discussion)").select_option("N1")
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision made")
    expect(page.get_by_role("heading", name=f"Referred to {havering_run.name}")).to_be_visible()
    expect(page.locator("#held-back")).to_contain_text(requests[AgencyKind.HEALTH].agency.name)
    expect(page.locator("#passed-on li")).to_have_count(4)
    pages.check()

    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DECIDED
    assert enquiry.final_rag == "red"
    shared = InformationShared.objects.filter(referral__contact=contact)
    assert shared.count() == 4
    assert SECRET not in " ".join(row.answer.information_held for row in shared)
    page.get_by_role("button", name="Sign out").click()

    # The receiving team reads what was passed on, and not the health answer.
    receiver = UserFactory(username="receiver", roles=[Role.TEAM_MANAGER], team=havering_run)
    pages.sign_in(receiver.username)
    pages.goto(contact.get_absolute_url())
    expect(page.get_by_text(ANSWERS[AgencyKind.POLICE])).to_be_visible()
    expect(page.get_by_text(SECRET)).to_have_count(0)
    pages.check()

    # No email carries the withheld answer or a child's name in its subject.
    duty = [m for m in mail.outbox if "cssw-duty@havering.example" in m.to]
    assert len(duty) == 1
    assert ANSWERS[AgencyKind.POLICE] in duty[0].body
    for message in mail.outbox:
        assert SECRET not in message.subject + message.body
        assert "Zebedee" not in message.subject and "Quillfeather" not in message.subject
    assert mash_manager_name


def test_partner_check_clocks_show_on_the_dashboard_and_breach_when_late(
    pages, red_contact, havering, havering_run, mash_manager, mash_social_worker
):
    enquiry = enquiries.enquiry_open(
        contact=red_contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="not_sought",
        ground="immediate_danger",
        rationale="Immediate danger",
    )
    police = PartnerAgency.objects.get(profile=havering, kind=AgencyKind.POLICE, always_asked=True)
    enquiries.enquiry_request_checks(
        enquiry=enquiry, by=mash_social_worker, profile=havering, agencies=[police], question="?"
    )
    page = pages.page
    pages.sign_in(mash_manager.username)
    pages.goto("/dashboard/")
    row = (
        page.get_by_role("row")
        .filter(has_text=red_contact.reference)
        .filter(has_text="Partner agency check")
    )
    expect(row).to_contain_text(re.compile(r"3 hours 5\d minutes left"))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=4, minutes=30), tick=True):
        deadline_sweep()
        page.reload()
        expect(row).to_contain_text("Overdue by 30 minutes")
        pages.check()
        pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
        expect(page.locator("#partner-requests")).to_contain_text("Overdue")
        pages.check()
