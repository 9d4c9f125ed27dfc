"""A green e-CAF without consent is held; with consent it reaches early help, gets its
referral decision, and family work opens with its 12-week clock on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from referrals import services
from referrals.models import ContactSource, ContactStatus
from tests.factories import PersonFactory, complete_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ecaf_without_consent(officer, profile):
    contact = complete_contact(
        by=officer,
        children=[PersonFactory(first_name="Noor", last_name="Haddad")],
        source=ContactSource.ECAF,
        concerns="e-CAF: speech delay, mum isolated since moving; asks for a parenting course.",
    )
    services.contact_update_section(
        contact=contact, by=officer, section="details", data={"ecaf_safeguarding": False}
    )
    services.contact_update_section(
        contact=contact,
        by=officer,
        section="family",
        data={"family_aware": "yes", "family_agrees": "unknown"},
    )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    return contact


def _rate_green_for_early_help(page) -> None:
    page.get_by_role("group", name="RAG rating").get_by_label("Green").check()
    page.get_by_role("group", name="Level of need").get_by_label("Level 2: Early help").check()
    page.get_by_role("group", name="Are there child protection concerns?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("group", name="What happens next").get_by_label(
        "Early help", exact=True
    ).check()
    page.get_by_label("Rationale").fill("Two level 2 indicators; no safeguarding concerns.")
    page.get_by_role("button", name="Confirm rating").click()


def test_green_ecaf_is_held_for_consent_then_decided_into_family_work(
    pages, camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    contact = _ecaf_without_consent(screening_officer, camden)
    page = pages.page

    pages.sign_in("senior")
    pages.goto(contact.get_absolute_url())
    page.get_by_role("button", name="Rate this contact").click()
    pages.check()
    _rate_green_for_early_help(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Early help cannot go ahead without the family's consent"
    )
    pages.check()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING

    page.get_by_role("link", name="Record the family's consent to early help").click()
    pages.check()
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter who gave or refused consent, how and when"
    )
    pages.check()
    page.get_by_role("group", name="Does the family agree to early help?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Who gave or refused consent, how and when").fill(
        "Mum agreed by phone with the health visitor today."
    )
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("consent")
    expect(page.get_by_role("heading", name="Initial rating")).to_be_visible()
    pages.check()
    _rate_green_for_early_help(page)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("rated green")
    expect(page.locator("#clocks")).to_contain_text("Green: to early help")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("ehmgr")
    page.get_by_role("link", name="Early help queue").click()
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).to_contain_text("Recorded")
    expect(row).to_contain_text("Green: to early help")
    pages.check()
    row.get_by_role("link", name=f"Decide on {contact.reference}").click()
    expect(page.locator("#consent-status")).to_contain_text("Recorded")
    expect(page.get_by_text("Level 2: Early help")).to_be_visible()
    pages.check()
    page.get_by_label("Brief early help assessment").check()
    page.get_by_label("Reason for the decision").fill("A brief assessment and a TAF.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the family worker")
    pages.check()
    page.get_by_label("Early help coordinator or family worker").select_option(
        label=f"{family_worker} (Family worker, Family Support Team)"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Brief early help assessment"
    )
    expect(page.locator("#clocks")).to_contain_text("Family work case open at most")
    expect(page.locator("#taf")).to_contain_text("Lead professional")
    pages.check()

    pages.goto("/dashboard/")
    clock = (
        page.get_by_role("row")
        .filter(has_text=contact.reference)
        .filter(has_text="Family work case open at most")
    )
    expect(clock).to_contain_text(str(family_worker))
    expect(clock).to_contain_text(re.compile(r"8[34] days( \d+ hours?)? left"))
    contact.refresh_from_db()
    assert not contact.deadlines.filter(kind="early_help_decision", met_at__isnull=True).exists()


def test_step_down_panel_and_team_around_the_family_pages(
    pages,
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    team_manager,
    social_work_team,
):
    from early_help import services as early_help
    from tests.factories import family_work_case, green_contact, open_involvement

    child = PersonFactory(first_name="Amir", last_name="Osei")
    open_involvement(child, team=social_work_team)
    panel_contact = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden
    )
    early_help.early_help_decide(
        contact=panel_contact,
        by=early_help_manager,
        profile=camden,
        outcome="panel",
        rationale="Whole-family needs",
    )
    case = family_work_case(
        contact=green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        ),
        manager=early_help_manager,
        worker=family_worker,
        profile=camden,
    )
    page = pages.page

    pages.sign_in("teammgr")
    page.get_by_role("link", name="Step down").click()
    pages.check()
    page.get_by_role("button", name="Send to the Early Help Panel").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the children")
    pages.check()
    page.get_by_label("Amir Osei").check()
    page.get_by_label("Reasons for stepping the case down").fill("CIN plan goals met.")
    page.get_by_role("group", name="Does the family agree to early help?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Who gave consent, how and when").fill("Dad agreed at the review.")
    page.get_by_role("button", name="Send to the Early Help Panel").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent to the panel")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("ehmgr")
    page.get_by_role("link", name="Early Help Panel").click()
    expect(page.get_by_role("row").filter(has_text="Amir Osei")).to_contain_text("Step-down")
    expect(page.get_by_role("row").filter(has_text=panel_contact.reference)).to_be_visible()
    pages.check()
    page.get_by_label(str(family_worker)).check()
    page.get_by_role("button", name="Save attendees").click()
    row = page.get_by_role("row").filter(has_text="Amir Osei")
    row.get_by_role("link", name=re.compile("Minute the decision")).click()
    pages.check()
    page.get_by_label("Referral to a more intensive early help service").check()
    page.get_by_label("Services the family is signposted or referred to").fill("IYSS")
    page.get_by_label("Reason for the decision").fill("Youth work fits best.")
    page.get_by_role("button", name="Minute the decision").click()
    expect(page.get_by_role("row").filter(has_text="Amir Osei")).to_contain_text("IYSS")
    pages.check()
    page.get_by_role("button", name="Sign out").click()

    pages.sign_in("famworker")
    page.get_by_role("link", name="Family work").click()
    pages.check()
    page.get_by_role("link", name=case.reference).click()
    pages.check()
    page.get_by_role("button", name="Add a professional").click()
    pages.check()
    page.get_by_label("Name").fill("Ruth Adeyemi")
    page.get_by_label("Role").fill("SENCO")
    page.get_by_label("Agency or organisation").fill("Oakley Square Primary School")
    page.get_by_role("group", name="Is this the lead professional?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#taf").get_by_role("row").filter(has_text="Ruth")).to_contain_text(
        "Lead professional"
    )
    pages.check()
    page.get_by_role("button", name="Step up new concerns").click()
    pages.check()
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("button", name="Close the case").click()
    page.get_by_label("Handed to a lead professional").check()
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("closed")
    expect(page.locator("#clocks")).to_contain_text("Met")
    pages.check()
