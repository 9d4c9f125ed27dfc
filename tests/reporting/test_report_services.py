"""Starting, writing and signing off a period report: rules, stale saves, permissions, history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from reporting.models import ReportKind
from reporting.tables import Period

from .conftest import QUARTER

WRITTEN = {
    "multi_agency_issues": "Health answers were late in August.",
    "emerging_issues": "County lines exploitation reported by two schools.",
    "summary": "Agree a health escalation route.",
}


def test_a_quarterly_report_covers_a_calendar_quarter(camden, service_manager):
    with pytest.raises(ValidationError) as error:
        services.report_start(
            kind=ReportKind.QUARTERLY,
            period=Period(dt.date(2026, 7, 1), dt.date(2026, 10, 31)),
            profile=camden,
            by=service_manager,
        )
    assert "calendar quarter" in str(error.value)


def test_a_board_report_covers_six_months_from_a_quarter(camden, service_manager):
    report = services.report_start(
        kind=ReportKind.BOARD,
        period=Period(dt.date(2026, 4, 1), dt.date(2026, 9, 30)),
        profile=camden,
        by=service_manager,
    )
    assert (report.period_start, report.period_end) == (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    with pytest.raises(ValidationError):
        services.report_start(
            kind=ReportKind.BOARD, period=QUARTER, profile=camden, by=service_manager
        )


def test_the_same_report_cannot_be_started_twice(report, camden, service_manager):
    with pytest.raises(ValidationError) as error:
        services.report_start(
            kind=ReportKind.QUARTERLY, period=QUARTER, profile=camden, by=service_manager
        )
    assert "already been started" in str(error.value)


def test_only_the_service_manager_starts_writes_and_signs_off(report, camden, team_manager):
    with pytest.raises(PermissionDenied):
        services.report_start(
            kind=ReportKind.QUARTERLY,
            period=Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
            profile=camden,
            by=team_manager,
        )
    with pytest.raises(PermissionDenied):
        services.report_write(report=report, by=team_manager, version=report.version, **WRITTEN)
    with pytest.raises(PermissionDenied):
        services.report_sign_off(report=report, by=team_manager)


def test_writing_saves_the_sections_with_who_and_why_in_history(report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    assert report.version == 2
    assert report.emerging_issues == WRITTEN["emerging_issues"]
    last = report.history.first()
    assert (last.history_user, last.history_change_reason) == (service_manager, "Sections written")
    assert report.history.last().history_change_reason == "Report started"


def test_a_save_over_a_newer_version_is_refused_and_changes_nothing(report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, summary="First")
    with pytest.raises(ValidationError) as error:
        services.report_write(report=report, by=service_manager, version=1, summary="Second")
    assert error.value.code == services.STALE
    report.refresh_from_db()
    assert (report.summary, report.version) == ("First", 2)


def test_sign_off_needs_every_section_written(report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, summary="Only this")
    with pytest.raises(ValidationError) as error:
        services.report_sign_off(report=report, by=service_manager)
    assert set(error.value.error_dict) == {"multi_agency_issues", "emerging_issues"}
    assert not report.is_signed_off


def test_a_signed_off_report_records_who_and_cannot_be_changed(report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    services.report_sign_off(report=report, by=service_manager, version=2)
    assert report.signed_off_by == service_manager and report.signed_off_at is not None
    assert report.history.first().history_change_reason == "Signed off"
    with pytest.raises(ValidationError):
        services.report_write(report=report, by=service_manager, version=3, summary="Later")
    with pytest.raises(ValidationError):
        services.report_sign_off(report=report, by=service_manager)


def test_sign_off_of_a_version_not_read_is_refused(report, service_manager):
    services.report_write(report=report, by=service_manager, version=1, **WRITTEN)
    with pytest.raises(ValidationError) as error:
        services.report_sign_off(report=report, by=service_manager, version=1)
    assert error.value.code == services.STALE
