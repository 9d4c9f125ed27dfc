"""Issue 12, information at the point of decision, in the browser with axe on every page: a
partner sees the adults named and its inbox by urgency; a strategy discussion recorded; a
disagreement escalated and resolved (a decision changed is taken again: no further action
becomes a referral); a consent override refused without a refusal; a
referral to a team with no duty email handed over."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AgencyKind, Team, TeamKind
from mash import enquiries
from mash.models import Disagreement, ReferralHandover, StrategyDiscussion
from referrals.models import ContactRole, ContactStatus, RelationshipType
from tests.factories import PersonFactory, agency_user
from tests.mash.records import checks_requested, decided, mash_contact
from tests.mash.reopening import decided_without_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def havering_run(settings, havering):
    settings.COUNCIL_PROFILE = "havering"
    team = Team.objects.get(profile=havering, kind=TeamKind.SOCIAL_WORK)
    team.duty_email = "cssw-duty@havering.example"
    team.save()
    return team


@pytest.fixture
def make(
    havering_run, havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    def make(rag="red", adults=()):
        contact = mash_contact(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=havering,
            rag=rag,
            children=[PersonFactory(first_name="Ada", last_name="Okafor")],
            adults=adults,
        )
        return checks_requested(
            contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
        )

    return make


def test_a_partner_sees_the_adults_named_and_its_inbox_most_urgent_first(pages, make):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=2)):
        amber_enquiry, amber = make(rag="amber")
    red_enquiry, red = make(
        rag="red",
        adults=[
            (
                PersonFactory(first_name="Grace", last_name="Okafor"),
                ContactRole.PARENT_CARER,
                RelationshipType.MOTHER,
            ),
            (
                PersonFactory(first_name="Derek", last_name="Vance"),
                ContactRole.ALLEGED_PERPETRATOR,
                "",
            ),
        ],
    )
    user = agency_user(red[AgencyKind.POLICE].agency, username="policeofficer")
    page = pages.page
    pages.sign_in(user.username)
    tray = page.locator("#partner-clocks")
    expect(tray.get_by_role("row").nth(1)).to_contain_text(red_enquiry.contact.reference)
    expect(tray).to_contain_text("left")
    pages.goto(reverse("mash:partner_inbox"))
    rows = page.locator("#partner-inbox tbody tr")
    expect(rows.nth(0)).to_contain_text(red_enquiry.contact.reference)
    expect(rows.nth(0)).to_contain_text("Red")
    expect(rows.nth(1)).to_contain_text(amber_enquiry.contact.reference)
    expect(rows.nth(0)).to_contain_text("left")
    expect(page.locator("#partner-inbox")).not_to_contain_text("Overdue overdue")
    page.get_by_role("link", name=red_enquiry.contact.reference).click()
    expect(page.get_by_role("heading", name="Adults named")).to_be_visible()
    expect(page.get_by_role("heading", name="Grace Okafor")).to_be_visible()
    expect(page.locator("#adult-1")).to_contain_text("Parent or carer (mother)")
    expect(page.get_by_role("heading", name="Derek Vance")).to_be_visible()
    expect(page.locator("#adult-2")).to_contain_text("Alleged perpetrator")
    pages.check()


def test_a_mash_worker_records_a_strategy_discussion(pages, make, mash_social_worker):
    enquiry, _ = make()
    page = pages.page
    pages.sign_in(mash_social_worker.username)
    pages.goto(reverse("mash:enquiry", args=[enquiry.pk]))
    page.get_by_role("button", name="Record a strategy discussion").click()
    pages.check()
    page.get_by_role("button", name="Record the strategy discussion").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date the strategy discussion was held")
    expect(summary).to_contain_text("Enter at least one attendee")
    pages.check()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    held = page.get_by_role("group", name="Date held")
    held.get_by_label("Day").fill(str(yesterday.day))
    held.get_by_label("Month").fill(str(yesterday.month))
    held.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time held").fill("2pm")
    first = page.get_by_role("group", name="Attendee 1")
    first.get_by_label("Agency").fill("Police (CAIT)")
    first.get_by_label("Name").fill("DS Priya Nair")
    first.get_by_label("Role").fill("Detective sergeant")
    second = page.get_by_role("group", name="Attendee 2")
    second.get_by_label("Agency").fill("Health")
    second.get_by_label("Name").fill("Joan Reilly")
    page.get_by_label("What was decided").fill("Section 47 threshold met: joint visit today.")
    page.get_by_role("group", name="Will section 47 enquiries follow?").get_by_label("Yes").check()
    step = page.get_by_role("group", name="Next step 1")
    step.get_by_label("Next step").fill("Joint home visit")
    step.get_by_label("Who will do it").fill("Allocated social worker")
    when = step.get_by_role("group", name="By when")
    when.get_by_label("Day").fill(str(yesterday.day))
    when.get_by_label("Month").fill(str(yesterday.month))
    when.get_by_label("Year").fill(str(yesterday.year + 1))
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Strategy discussion recorded"
    )
    expect(page.get_by_role("heading", name="Strategy discussions")).to_be_visible()
    expect(page.get_by_text("DS Priya Nair")).to_be_visible()
    expect(page.get_by_text("Joint home visit")).to_be_visible()
    pages.check()
    discussion = StrategyDiscussion.objects.get()
    assert discussion.section_47 and discussion.attendees.count() == 2


def test_a_partner_disagrees_and_the_mash_manager_resolves_it(
    pages, make, havering, havering_run, mash_manager, mash_social_worker
):
    enquiry, requests = make()
    enquiry, police_user = decided(
        enquiry=enquiry,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        team=havering_run,
    )
    police_user.username = "policeofficer"
    police_user.save()
    page = pages.page
    pages.sign_in("policeofficer")
    pages.goto(reverse("mash:partner_request", args=[requests[AgencyKind.POLICE].pk]))
    expect(page.locator("#mash-decision")).to_contain_text("Referral to a social work team")
    page.get_by_role("link", name="Disagree with the MASH decision").click()
    pages.check()
    page.get_by_role("button", name="Escalate to the MASH manager").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you disagree")
    pages.check()
    page.get_by_label("Why do you disagree with the MASH decision?").fill(
        "The last incident led to an arrest: this needs a section 47 enquiry."
    )
    page.get_by_role("button", name="Escalate to the MASH manager").click()
    expect(page.get_by_text("Escalated to the MASH manager").first).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in(mash_manager.username)
    pages.goto(reverse("mash:queue"))
    expect(page.locator("#open-escalations")).to_contain_text("1 disagreement")
    page.get_by_role("link", name="Disagreements escalated to the MASH manager").click()
    expect(page.locator("#escalations")).to_contain_text("left")
    pages.check()
    page.get_by_role("link", name=enquiry.contact.reference).click()
    pages.check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether the decision")
    pages.check()
    expect(
        page.get_by_text("This reopens the MASH decision and withdraws any referral")
    ).to_be_visible()
    page.get_by_label("Decision changed").check()
    page.get_by_label("Reasons").fill("Agreed: a strategy discussion is arranged for today.")
    page.get_by_role("button", name="Record the outcome").click()
    # The decision is reopened: the manager lands on the decision page to take it again.
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("reopened")
    expect(page.get_by_role("button", name="Confirm the decision")).to_be_visible()
    pages.check()
    disagreement = Disagreement.objects.get()
    assert disagreement.outcome == "decision_changed"
    pages.goto(reverse("mash:disagreement", args=[disagreement.pk]))
    expect(page.locator("#outcome")).to_contain_text("Decision changed")
    pages.check()


def test_a_partner_disagrees_with_no_further_action_and_the_manager_refers_instead(
    pages, make, havering, havering_run, mash_manager, mash_social_worker
):
    enquiry, requests = make()
    enquiry, police_user = decided_without_referral(
        enquiry=enquiry,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        next_step="no_further_action",
    )
    police_user.username = "policeofficer"
    police_user.save()
    page = pages.page
    pages.sign_in("policeofficer")
    request_url = reverse("mash:partner_request", args=[requests[AgencyKind.POLICE].pk])
    pages.goto(request_url)
    expect(page.locator("#mash-decision")).to_contain_text("No further action")
    page.get_by_role("link", name="Disagree with the MASH decision").click()
    page.get_by_label("Why do you disagree with the MASH decision?").fill(
        "A second call-out this week: the family needs an assessment."
    )
    page.get_by_role("button", name="Escalate to the MASH manager").click()
    expect(page.get_by_text("Escalated to the MASH manager").first).to_be_visible()
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in(mash_manager.username)
    disagreement = Disagreement.objects.get()
    pages.goto(reverse("mash:disagreement", args=[disagreement.pk]))
    pages.check()
    page.get_by_label("Decision changed").check()
    page.get_by_label("Reasons").fill("Agreed: the new call-out changes the picture.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("reopened")
    pages.check()
    page.get_by_role("group", name="Final RAG rating").get_by_label("Amber").check()
    page.get_by_label("Rationale for the final rating").fill("Needs an assessment.")
    page.get_by_label("Referral to a social work team").check()
    page.locator("#id_team").select_option(value=str(havering_run.pk))
    page.get_by_label("Child and Family Assessment").check()
    page.locator("#id_primary_need").select_option(index=1)
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision made")
    expect(page.get_by_text("Previous decision, changed after disagreement")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Referred to {havering_run.name}")).to_be_visible()
    pages.check()
    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("policeofficer")
    pages.goto(request_url)
    expect(page.locator("#mash-decision")).to_contain_text("Referral to a social work team")
    expect(page.get_by_text("Agreed: the new call-out changes the picture.")).to_be_visible()
    pages.check()


def test_a_consent_override_without_a_recorded_refusal_is_refused(
    pages, havering_run, havering, screening_officer, senior_practitioner, mash_manager
):
    contact = mash_contact(officer=screening_officer, senior=senior_practitioner, profile=havering)
    enquiry = enquiries.enquiry_open(contact=contact, by=mash_manager, profile=havering)
    page = pages.page
    pages.sign_in(mash_manager.username)
    pages.goto(reverse("mash:enquiry_consent", args=[enquiry.pk]))
    page.get_by_label("Refusal overridden").check()
    page.get_by_label("The child is in immediate danger").check()
    page.get_by_label("Rationale").fill("Baby bruised")
    page.get_by_role("button", name="Record consent").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "You can only override a refusal when consent was sought and refused"
    )
    expect(page.get_by_label("Rationale")).to_have_value("Baby bruised")
    pages.check()
    summary.get_by_role("link").first.click()
    assert not enquiry.consent_decisions.exists()


def test_a_referral_to_a_team_with_no_duty_email_is_handed_over_and_recorded(
    pages, make, havering, mash_manager, mash_social_worker
):
    enquiry, requests = make()
    police = requests[AgencyKind.POLICE]
    user = agency_user(police.agency)
    draft = enquiries.answer_save_draft(
        request=police,
        by=user,
        information_held="Call-outs.",
        analysis="Risk.",
        share_with_receiving_service=True,
        share_with_family=False,
    )
    enquiries.answer_submit(answer=draft, by=user)
    enquiry.refresh_from_db()
    enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Police.",
        analysis="Risk.",
        recommended_level=4,
        recommended_action="Refer.",
    )
    no_duty = Team.objects.get(profile=havering, kind=TeamKind.DISABLED_CHILDREN)
    assert not no_duty.duty_email
    page = pages.page
    pages.sign_in(mash_manager.username)
    pages.goto(reverse("mash:enquiry_decide", args=[enquiry.pk]))
    page.get_by_role("group", name="Final RAG rating").get_by_label("Red").check()
    page.get_by_label("Rationale for the final rating").fill("Risk of significant harm.")
    page.get_by_label("Referral to a social work team").check()
    page.locator("#id_team").select_option(label=f"{no_duty.name} (no duty email address)")
    page.get_by_label("Child and Family Assessment").check()
    page.locator("#id_primary_need").select_option(index=1)
    page.get_by_role("button", name="Confirm the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("has no duty email address")
    pages.check()
    page.get_by_label("It was handed over another way: record it").check()
    page.get_by_label("Who took the referral").fill("Jo Bloggs, duty social worker")
    today = timezone.localdate()
    when = page.get_by_role("group", name="Date of the handover")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time of the handover").fill("12:01am")
    page.get_by_label("How it was handed over").fill("By phone")
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision made")
    expect(page.get_by_text("Jo Bloggs, duty social worker")).to_be_visible()
    pages.check()
    assert ReferralHandover.objects.get().how == "By phone"
