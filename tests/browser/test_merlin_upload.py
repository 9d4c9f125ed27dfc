"""A police officer uploads MERLINs as CSV: a good file is routed; a bad row imports nothing."""

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from referrals.merlin.models import MerlinReport
from tests.referrals.merlin_helpers import GOOD_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(COUNCIL_PROFILE="camden")
def test_police_upload_routes_good_reports_and_refuses_a_file_with_a_bad_row(
    pages, partner_user, tmp_path
):
    pages.sign_in("police")
    pages.page.get_by_role("link", name="MERLIN reports").first.click()
    expect(pages.page.get_by_role("link", name="Upload MERLIN reports (CSV)")).to_be_visible()
    pages.check()
    pages.page.get_by_role("link", name="Upload MERLIN reports (CSV)").click()
    expect(pages.page.get_by_label("CSV file of MERLIN reports")).to_be_visible()
    pages.check()

    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    pages.page.get_by_label("CSV file of MERLIN reports").set_input_files(str(good))
    pages.page.get_by_role("button", name="Upload and import").click()
    body = pages.page.locator("main")
    expect(body).to_contain_text("3 MERLIN reports imported")
    pages.check()
    for text in ("MER-DA-1", "Waiting for screening", "Copy sent to Camden Safety Net"):
        assert text in body.inner_text()
    assert "Passed to adult services" in body.inner_text()
    assert "Passed to the youth service" in body.inner_text()

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_CSV.replace("MER-", "NEW-").replace("NEW-YC-3,amber", "NEW-YC-3,purple"))
    pages.goto(reverse("referrals:merlin_upload"))
    pages.page.get_by_label("CSV file of MERLIN reports").set_input_files(str(bad))
    pages.page.get_by_role("button", name="Upload and import").click()
    summary = pages.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 6, column police_rag")
    pages.check()
    assert MerlinReport.objects.filter(reference__startswith="NEW-").count() == 0
    assert MerlinReport.objects.count() == 3
