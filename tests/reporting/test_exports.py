"""Exports: formula injection neutralised, CSV and XLSX content, the task, expiry, downloads."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessLog
from core.spreadsheets import safe_cell
from reporting import services
from reporting.exports import export_table
from reporting.models import Export, ExportStatus
from reporting.tables import Column, Table

from .conftest import QUARTER


@pytest.mark.parametrize(
    "typed",
    ["=1+2", "+44 20 7946 0000", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")'],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", ["Pat Example", "", "a=b", 12, -3, 1.5, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


NASTY = Table(
    key="people",
    title="Referrers",
    columns=(
        Column("name", "Name"),
        Column("count", "Contacts", numeric=True),
        Column("on", "Received"),
    ),
    rows=[
        {"name": '=HYPERLINK("http://evil","click")', "count": 3, "on": dt.date(2026, 7, 1)},
        {"name": "@cmd", "count": -1, "on": None},
        {"name": "Zoë Ngọc", "count": 0, "on": dt.date(2026, 9, 30)},
    ],
    personal=True,
)


def test_csv_has_the_header_and_rows_with_formulas_neutralised():
    text = export_table(NASTY, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Name", "Contacts", "Received"],
        ['\'=HYPERLINK("http://evil","click")', "3", "2026-07-01"],
        ["'@cmd", "-1", ""],
        ["Zoë Ngọc", "0", "2026-09-30"],
    ]


def test_xlsx_stores_formulas_as_text_and_keeps_numbers_and_dates():
    book = load_workbook(io.BytesIO(export_table(NASTY, "xlsx")))
    sheet = book.active
    assert sheet.title == "Referrers"
    assert [c.value for c in sheet[1]] == ["Name", "Contacts", "Received"]
    first = sheet["A2"]
    assert first.data_type == "s" and first.value.startswith("'=HYPERLINK")
    assert sheet["A3"].value == "'@cmd" and sheet["A3"].data_type == "s"
    assert sheet["B2"].value == 3 and sheet["B3"].value == -1
    assert sheet["C2"].value.date() == dt.date(2026, 7, 1)
    assert sheet["A4"].value == "Zoë Ngọc"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_progress_is_reported_as_rows_are_written(settings):
    settings.EXPORT_PROGRESS_EVERY = 2
    big = Table(
        key="big",
        title="Big",
        columns=(Column("n", "N", numeric=True),),
        rows=[{"n": i} for i in range(5)],
    )
    seen = []
    export_table(big, "csv", on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def _ask(user, profile, fmt="csv", figure="contacts_by_referral_source", compare=False):
    return services.export_request(
        by=user, figure=figure, period=QUARTER, profile=profile, fmt=fmt, compare=compare
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_an_export_is_made_by_the_task_with_the_figures_rows(
    media, two_quarters, camden, team_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(team_manager, camden, fmt="xlsx")
    export.refresh_from_db()
    assert (export.status, export.progress, export.rows) == (ExportStatus.READY, 100, 2)
    assert export.title == "Contacts by referral source (CIN census code)"
    sheet = load_workbook(export.file.path).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {"2A: School": 3, "6: Police": 1}
    assert export.expires_at > timezone.now() + dt.timedelta(hours=23)


def test_an_export_compared_with_the_previous_period_has_both_columns(
    media, two_quarters, camden, team_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(team_manager, camden, compare=True)
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert rows[0][:4] == [
        "Referral source",
        "Contacts: this period",
        "Contacts: previous period",
        "Contacts: change",
    ]
    assert rows_by_label(rows)["2A: School"][:4] == ["2A: School", "3", "1", "2"]
    assert rows_by_label(rows)["6: Police"][:4] == ["6: Police", "1", "0", "1"]


def rows_by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


def test_an_unknown_figure_fails_with_a_message_not_an_error(
    media, camden, team_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(team_manager, camden, figure="no_such_figure")
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "no_such_figure" in export.error


def test_expired_exports_lose_their_files_and_running_twice_changes_nothing(
    media, two_quarters, camden, team_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old, fresh = _ask(team_manager, camden), _ask(team_manager, camden)
    old.refresh_from_db()
    path = old.file.path
    Export.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_delete_expired() == 1
    assert services.export_delete_expired() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file
    assert not (media / path).exists()
    assert fresh.status == ExportStatus.READY and fresh.file.storage.exists(fresh.file.name)
    assert old.history.first().history_change_reason.startswith("Deleted after 24")


def test_exporting_needs_the_management_information_permission(camden, screening_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _ask(screening_officer, camden)


def test_only_the_person_who_asked_downloads_and_personal_data_is_logged(
    media, client, camden, team_manager, service_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = _ask(team_manager, camden)
    # A list naming people (the click-through kind): its download goes in the access log.
    Export.objects.filter(pk=export.pk).update(personal=True, title="Contacts from schools")
    client.force_login(service_manager)
    assert client.get(f"/reporting/exports/{export.pk}/download/").status_code == 404
    client.force_login(team_manager)
    response = client.get(f"/reporting/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    b"".join(response.streaming_content)
    log = AccessLog.objects.get(user=team_manager, object_id=export.pk)
    assert log.description == "Exported Contacts from schools (CSV)"
    assert log.details["figure"] == "contacts_by_referral_source"
    assert log.details["period"] == ["2026-07-01", "2026-09-30"]
    assert not AccessLog.objects.filter(user=service_manager).exists()
