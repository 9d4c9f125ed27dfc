"""The contacts behind a figure's row, exported: only those the asker may open, made by the
worker, and taking the file is logged against every contact it names."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from accounts.models import AccessLog
from reporting import services
from reporting.models import ExportStatus
from reporting.tables import Period
from tests.factories import TeamFactory
from tests.reporting.mi_data import make_quarter

QUARTER = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))


@pytest.fixture
def quarter(db, camden, social_work_team, settings, tmp_path):
    settings.COUNCIL_PROFILE = "camden"
    settings.MEDIA_ROOT = str(tmp_path)
    return make_quarter(social_work_team, TeamFactory(name="Other team"))


def _export(user, profile, fmt, capture):
    with capture(execute=True):
        export = services.export_request(
            by=user, figure="conversion", row="all", period=QUARTER, profile=profile, fmt=fmt
        )
    export.refresh_from_db()
    return export


def test_a_team_manager_exports_only_the_contacts_they_may_open(
    quarter, camden, team_manager, django_capture_on_commit_callbacks
):
    export = _export(team_manager, camden, "csv", django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY and export.personal
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Reference", "Received"]
    assert sorted(r[0] for r in rows[1:]) == sorted(
        [quarter["c1"].reference, quarter["c3"].reference]
    )
    assert sorted(export.contact_ids) == sorted([quarter["c1"].pk, quarter["c3"].pk])
    assert quarter["c4"].reference not in export.file.open("rb").read().decode("utf-8-sig")


def test_taking_the_file_logs_a_read_of_every_contact_it_names(
    client, quarter, camden, service_manager, django_capture_on_commit_callbacks
):
    export = _export(service_manager, camden, "xlsx", django_capture_on_commit_callbacks)
    sheet = load_workbook(export.file.path).active
    assert sheet.max_row - 1 == 5
    client.force_login(service_manager)
    before = set(
        AccessLog.objects.filter(user=service_manager, content_type__model="contact").values_list(
            "pk", flat=True
        )
    )
    response = client.get(f"/reporting/exports/{export.pk}/download/")
    assert response.status_code == 200
    logged = AccessLog.objects.filter(user=service_manager, content_type__model="contact").exclude(
        pk__in=before
    )
    assert set(logged.values_list("object_id", flat=True)) == set(export.contact_ids)
    assert len(export.contact_ids) == 5
    # And the export itself, with what was taken.
    entry = AccessLog.objects.filter(user=service_manager, content_type__model="export").last()
    assert entry.details["row"] == "all" and entry.details["rows"] == 5


def test_the_click_through_page_offers_the_list_as_a_download(client, quarter, team_manager):
    client.force_login(team_manager)
    text = client.get(
        "/reporting/contacts/?figure=conversion&row=all&from=2026-07-01&to=2026-09-30"
    ).content.decode()
    assert 'name="row" value="all"' in text and 'name="figure" value="conversion"' in text
    assert "Download CSV" in text


def test_an_export_of_a_row_that_is_not_there_fails_with_a_message(
    quarter, camden, team_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(
            by=team_manager, figure="conversion", row="nope", period=QUARTER, profile=camden,
            fmt="csv",
        )  # fmt: skip
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
