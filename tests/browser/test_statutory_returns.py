"""A team manager checks the CIN census, sees the DfE validator's error on a child and follows
it to the record; then downloads Annex A. Every page axe clean."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from returns.cin_census import collection_year_of
from tests.returns.helpers import OPEN_N4, referred_child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_census_errors_link_to_the_child_and_annex_a_downloads(
    pages,
    settings,
    camden,
    screening_officer,
    senior_practitioner,
    social_work_team,
    team_manager,
):
    settings.COUNCIL_PROFILE = "camden"

    def child(**kwargs):
        return referred_child(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            team=social_work_team,
            by=senior_practitioner,
            **kwargs,
        )

    child(episode=OPEN_N4)
    broken = child()  # no primary need on a referral that did not end in NFA: rule 8610
    year = collection_year_of(broken.referral_date).year
    page = pages.page

    pages.sign_in("teammgr")
    pages.goto("/returns/")
    page.get_by_role("link", name="Children in need census").click()
    pages.check()
    page.get_by_label(f"April {year - 1} to March {year}", exact=False).check()
    page.get_by_role("button", name="Check and make the census").click()
    expect(page.get_by_role("heading", name=f"Census {year - 1} to {year}")).to_be_visible()
    expect(page.get_by_text("Primary Need code is missing").first).to_be_visible()
    expect(page.get_by_role("link", name="Download the census XML")).to_have_count(0)
    pages.check()

    page.get_by_role("link", name=f"contact {broken.referral.contact.reference}").first.click()
    expect(page).to_have_url(f"{pages.base}/contacts/{broken.referral.contact_id}/")

    pages.goto("/returns/annex-a/")
    page.get_by_label("Day").fill(str(broken.referral_date.day))
    page.get_by_label("Month").fill(str(broken.referral_date.month))
    page.get_by_label("Year").fill(str(broken.referral_date.year))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Annex A").click()
    # The downloaded file has no extension, which openpyxl refuses by name: give it the bytes.
    with open(info.value.path(), "rb") as handle:
        book = load_workbook(handle)
    assert book.sheetnames == ["List 1", "List 2", "List 3"]
    assert broken.person.case_number in [c.value for c in book["List 3"]["A"]]
