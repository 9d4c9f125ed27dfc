"""Rough edges seen in the browser (issue 12): a phone-width rating page and queues, GOV.UK date
messages, the council's own service name, and the printable record. Every page passes axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mash import enquiries
from referrals import rating, services
from tests.factories import PersonFactory, complete_contact, contact_with_mash

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_NAME = {"first_name": "Maximiliana-Josephine", "last_name": "Featherstonehaugh-Wolstenholme"}


def _no_sideways_scroll(page) -> None:
    scroll, inner = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= inner, f"{page.url}: the page scrolls sideways ({scroll} > {inner})"


def _awaiting_rating(officer, profile, *, family_agrees: str = "yes"):
    contact = complete_contact(by=officer, children=[PersonFactory(**LONG_NAME)])
    services.contact_update_section(
        contact=contact,
        by=officer,
        section="family",
        data={"family_aware": "yes", "family_agrees": family_agrees},
    )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    return contact


def test_rating_page_on_a_phone_groups_indicators_by_level_and_reveals_what_an_outcome_needs(
    pages, camden, screening_officer, senior_practitioner
):
    # A professional's referral the family has not agreed to: early help needs their consent.
    contact = _awaiting_rating(screening_officer, camden, family_agrees="no")
    page = pages.page
    page.set_viewport_size(PHONE)
    pages.sign_in("senior")
    pages.goto(f"/contacts/{contact.pk}/rate/")
    _no_sideways_scroll(page)

    indicators = page.locator("#div_id_indicators")
    for number in (1, 2, 3, 4):
        expect(indicators.locator("legend", has_text=f"Level {number}:")).to_have_count(1)
    level_4 = page.get_by_role("group", name=re.compile(r"^Level 4:"))
    expect(level_4.get_by_role("checkbox").first).to_be_visible()

    team = page.get_by_label("Social work team (for a referral)")
    borderline = page.get_by_role("group", name=re.compile("Why the daily discussion"))
    consent = page.get_by_text("There is no recorded consent")
    expect(team).to_be_hidden()
    expect(borderline).to_be_hidden()
    expect(consent).to_be_hidden()

    outcome = page.get_by_role("group", name="What happens next")
    outcome.get_by_label("Referral to a social work team").check()
    expect(team).to_be_visible()
    expect(borderline).to_be_hidden()
    outcome.get_by_label("Daily discussion", exact=True).check()
    expect(borderline).to_be_visible()
    expect(team).to_be_hidden()
    outcome.get_by_label("Early help", exact=True).check()
    expect(consent).to_be_visible()
    pages.check()
    _no_sideways_scroll(page)

    # Rated red (the rationale forgotten): the page comes back without the early help warning.
    page.get_by_role("group", name="RAG rating").get_by_label("Red").check()
    page.get_by_role("group", name="Level of need").get_by_label(re.compile("Level 4:")).check()
    page.get_by_role("group", name="Are there child protection concerns?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Confirm rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the rationale")
    outcome = page.get_by_role("group", name="What happens next")
    outcome.get_by_label("Early help", exact=True).check()
    expect(page.get_by_text("There is no recorded consent")).to_have_count(0)
    pages.check()
    _no_sideways_scroll(page)


def test_every_queue_fits_a_phone_without_scrolling_sideways(
    pages,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    partner_user,
    police,
    early_help_manager,
):
    new = complete_contact(by=screening_officer, children=[PersonFactory(**LONG_NAME)])
    services.contact_submit(contact=new, by=screening_officer, profile=camden)
    _awaiting_rating(screening_officer, camden)
    with_mash = contact_with_mash(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        children=[PersonFactory(**LONG_NAME)],
    )
    enquiry = enquiries.enquiry_open(
        contact=with_mash, by=mash_manager, profile=camden, worker=mash_social_worker
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
    enquiries.enquiry_request_checks(
        enquiry=enquiry, by=mash_social_worker, profile=camden, agencies=[police], question="?"
    )
    page = pages.page
    page.set_viewport_size(PHONE)

    visits = {
        "screener": ["work_tray", "referrals:queue_new", "referrals:queue_in_progress"],
        "senior": ["referrals:queue_awaiting_rating", "mash:discussion_today"],
        "mashmgr": ["mash:queue", "dashboard", "work_tray"],
        "police": ["mash:partner_inbox", "work_tray"],
        "ehmgr": ["early_help:queue", "dashboard"],
    }
    for username, paths in visits.items():
        pages.sign_in(username)
        for name in paths:
            pages.goto(reverse(name))
            _no_sideways_scroll(page)
        page.get_by_role("button", name="Sign out").click()

    # A stacked row names each cell by its column.
    pages.sign_in("screener")
    pages.goto("/contacts/new/")
    row = page.get_by_role("row").filter(has_text=new.reference)
    expect(row.get_by_role("cell").nth(1)).to_have_attribute("data-label", "Received")
    _no_sideways_scroll(page)


def test_a_wrong_date_gets_a_govuk_message_whose_summary_link_focuses_the_wrong_input(
    pages, camden, screening_officer
):
    page = pages.page
    pages.sign_in("screener")
    pages.goto("/people/")
    page.get_by_label("Last name").fill("Smith")
    birth = page.get_by_role("group", name="Date of birth")
    birth.get_by_label("Day").fill("27")
    birth.get_by_label("Month").fill("13")
    birth.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Search").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of birth must be a real date")
    expect(page.locator("body")).not_to_contain_text("must be in 1..12")
    pages.check()
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Month")).to_be_focused()
    expect(birth.get_by_label("Month")).to_have_value("13")
    expect(birth.get_by_label("Month")).to_have_class(re.compile("govuk-input--error"))
    expect(birth.get_by_label("Day")).not_to_have_class(re.compile("govuk-input--error"))

    birth.get_by_label("Month").fill("")
    birth.get_by_label("Year").fill("99999")
    page.get_by_role("button", name="Search").click()
    expect(summary).to_contain_text("Date of birth must include a month")
    expect(page.locator("body")).not_to_contain_text("out of range")
    pages.check()


@pytest.mark.parametrize(
    "code,service",
    [
        ("camden", "Children and Families Contact Service"),
        ("havering", "Multi-Agency Safeguarding Hub (MASH)"),
        ("islington", "Children's Services Contact Team"),
    ],
)
def test_the_header_names_the_running_councils_own_service(
    pages, settings, screening_officer, code, service
):
    settings.COUNCIL_PROFILE = code
    pages.sign_in("screener")
    header = pages.page.locator(".govuk-service-navigation__service-name")
    expect(header).to_have_text(service)
    expect(pages.page).to_have_title(re.compile(re.escape(service)))


def test_a_referred_contact_prints_as_its_contact_and_referral_record_and_the_read_is_logged(
    pages, camden, screening_officer, senior_practitioner, social_work_team
):
    social_work_team.profile = camden
    social_work_team.save()
    contact = _awaiting_rating(screening_officer, camden)
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Child in need: neglect of basic care.",
        outcome="social_work_referral",
        team=social_work_team,
        assessment_type="cfa",
        primary_need="N4",
    )
    page = pages.page
    pages.sign_in("senior")
    pages.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Print this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contact record {contact.reference}")
    expect(page.get_by_role("heading", name="Contact and Referral record")).to_be_visible()
    expect(page.get_by_role("button", name="Print this record")).to_be_visible()
    pages.check()

    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this record")).to_be_hidden()
    expect(page.get_by_text("Record online:")).to_be_visible()
    page.emulate_media(media="screen")

    pages.goto(contact.get_absolute_url())
    page.get_by_role("link", name=re.compile("Print this Contact and Referral record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Contact and Referral record {contact.reference}"
    )
    pages.check()

    from accounts.models import AccessLog

    logged = list(
        AccessLog.objects.filter(user__username="senior", path__contains="/print/").values_list(
            "path", flat=True
        )
    )
    assert any(p.endswith(f"/contacts/{contact.pk}/print/") for p in logged), logged
    assert any("/referrals/" in p for p in logged), logged
