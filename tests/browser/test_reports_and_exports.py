"""A period report in the browser (axe clean), and an export that waits, runs and downloads."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contact_service.celery import app
from reporting import services
from reporting.models import Export, ExportStatus
from tests.celery_helpers import real_worker
from tests.reporting.conftest import QUARTER, received
from tests.reporting.test_report_services import WRITTEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_off(camden, screening_officer, service_manager):
    import datetime as dt

    for day in (dt.date(2026, 7, 3), dt.date(2026, 8, 10)):
        received(day, by=screening_officer, profile=camden)
    received(dt.date(2026, 5, 2), by=screening_officer, profile=camden, referral_source="6")
    report = services.report_start(
        kind="quarterly", period=QUARTER, profile=camden, by=service_manager
    )
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    return services.report_sign_off(report=report, by=service_manager)


def test_the_service_manager_reads_a_signed_off_report_with_charts_and_tables(
    pages, settings, service_manager, signed_off
):
    settings.COUNCIL_PROFILE = "camden"
    pages.sign_in("servicemgr")
    pages.goto("/reporting/reports/")
    pages.check()
    pages.page.get_by_role("link", name="Quarterly evaluation for the steering group").click()
    page = pages.page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly evaluation for the steering group"
    )
    expect(page.get_by_role("img", name=re.compile("Contacts by referral source"))).to_be_visible()
    table = page.get_by_role("table", name=re.compile("CIN census referral source"))
    expect(table.get_by_role("row", name=re.compile("School"))).to_contain_text("2")
    expect(table.get_by_role("row", name=re.compile("Police"))).to_contain_text("-1")
    expect(page.get_by_text("Signed off", exact=True)).to_be_visible()
    expect(page.get_by_text(WRITTEN["emerging_issues"])).to_be_visible()
    pages.check()


def test_a_team_manager_exports_a_figure_sees_it_wait_and_run_and_downloads_it(
    pages, settings, tmp_path, team_manager, signed_off
):
    settings.COUNCIL_PROFILE = "camden"
    settings.MEDIA_ROOT = str(tmp_path)
    page = pages.page
    pages.sign_in("teammgr")
    pages.goto(f"/reporting/reports/{signed_off.pk}/")
    app.conf.task_always_eager = False  # queued on Redis; no worker yet
    try:
        page.get_by_role(
            "button", name=re.compile("Download CSV of contacts by referral source")
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Export: Contacts by referral source (CIN census code)"
        )
        expect(page.get_by_role("status")).to_have_text("Waiting to start")
        expect(page.get_by_role("progressbar")).to_be_visible()
        pages.check()
    finally:
        app.conf.task_always_eager = True
    export = Export.objects.get(created_by=team_manager)
    assert export.status == ExportStatus.QUEUED
    with real_worker(purge=False):
        # The page checks again by itself (htmx polls); without scripts, "Check again now".
        download = page.get_by_role(
            "link", name=re.compile("Download contacts-by-referral-source-20260701-20260930")
        )
        expect(download).to_be_visible(timeout=20_000)
    expect(page.get_by_role("status")).to_have_text("Ready to download")
    pages.check()
    with page.expect_download() as info:
        download.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == [
        "Referral source",
        "Contacts: this period",
        "Contacts: previous period",
        "Contacts: change",
    ]
    first_four = [row[:4] for row in rows]
    assert ["2A: School", "2", "0", "2"] in first_four
    assert ["6: Police", "0", "1", "-1"] in first_four
