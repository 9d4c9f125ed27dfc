"""Period reports (start, write, sign off) and exports (ask, run, expire): every change here."""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from thresholds.models import CouncilProfile

from . import exports
from .contact_lists import contact_list_table
from .models import Export, ExportStatus, Report, ReportKind
from .reports import find_table, fits
from .tables import Period

STALE = "stale"
SECTIONS = ("multi_agency_issues", "emerging_issues", "summary")
VIEW_MI = "reporting.view_management_information"
WRITE = "reporting.write_report"
SIGN_OFF = "reporting.sign_off_report"
FIGURE_KEY = re.compile(r"^[a-z0-9_.-]{1,100}$")


def _require(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"{user} may not {perm}")


@transaction.atomic
def report_start(*, kind: str, period: Period, profile: CouncilProfile, by: User) -> Report:
    """Start the quarterly (a calendar quarter) or six-monthly board report for a period."""
    _require(by, WRITE)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "Select which report to start"})
    if not fits(kind, period):
        what = "a calendar quarter" if kind == ReportKind.QUARTERLY else "six months from a quarter"
        raise ValidationError({"period": f"A {ReportKind(kind).label.lower()} covers {what}"})
    report = Report(
        kind=kind,
        profile=profile,
        period_start=period.start,
        period_end=period.end,
        created_by=by,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            save_audited(report, user=by, reason="Report started")
    except IntegrityError:
        raise ValidationError(
            {"period": "This report has already been started for that period"}, code="exists"
        ) from None
    return report


@transaction.atomic
def report_write(*, report: Report, by: User, version: int, **sections: str) -> Report:
    """Save the sections the service manager writes; refused over a newer save or once signed off."""
    _require(by, WRITE)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise TypeError(f"Unknown report sections: {sorted(unknown)}")
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.is_signed_off:
        raise ValidationError("This report has been signed off and can no longer be changed.")
    if locked.version != version:
        raise ValidationError(
            "This report was changed by someone else after you opened it.", code=STALE
        )
    for name, text in sections.items():
        setattr(locked, name, (text or "").strip())
    locked.version += 1
    save_audited(locked, user=by, reason="Sections written")
    report.refresh_from_db()
    return report


@transaction.atomic
def report_sign_off(*, report: Report, by: User, version: int | None = None) -> Report:
    """Sign off a report whose sections are all written; it cannot be changed afterwards."""
    _require(by, SIGN_OFF)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.is_signed_off:
        raise ValidationError("This report has already been signed off.")
    if version is not None and locked.version != version:
        raise ValidationError(
            "This report was changed by someone else after you opened it: read it again "
            "before signing it off.",
            code=STALE,
        )
    missing = {
        name: f"Write the section ‘{Report._meta.get_field(name).verbose_name}’ before signing off"
        for name in SECTIONS
        if not getattr(locked, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    locked.signed_off_by = by
    locked.signed_off_at = timezone.now()
    locked.version += 1
    save_audited(locked, user=by, reason="Signed off")
    report.refresh_from_db()
    return report


# Exports.


@transaction.atomic
def export_request(
    *,
    by: User,
    figure: str,
    period: Period,
    profile: CouncilProfile,
    fmt: str,
    compare: bool = False,
    title: str = "",
    row: str = "",
) -> Export:
    """Ask for a figure as a file; the worker makes it (`export_run`) after this commits."""
    _require(by, VIEW_MI)
    if fmt not in exports.FORMATS:
        raise ValidationError({"format": "Select CSV or Excel"})
    if not FIGURE_KEY.match(figure or ""):
        raise ValidationError({"figure": "There is no such figure"})
    now = timezone.now()
    export = Export(
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
        profile=profile,
        figure=figure,
        period_start=period.start,
        period_end=period.end,
        compare=compare and not row,
        row=row[:100],
        format=fmt,
        title=title[:200],
    )
    save_audited(export, user=by, reason="Export asked for")
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(export.pk))
    return export


def _locked_export(export_id: int) -> Export:
    return (
        Export.objects.select_for_update().select_related("created_by", "profile").get(pk=export_id)
    )


def export_run(*, export_id: int) -> Export:
    """Make an export's file, recording progress as it goes (the task's one call)."""
    with transaction.atomic():
        export = _locked_export(export_id)
        if export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return export  # already made (a redelivered task): nothing to do
        # RUNNING again: the worker died part way (acks_late redelivers), so start over.
        export.status = ExportStatus.RUNNING
        save_audited(export, user=export.created_by, reason="Export started")
    try:
        period = Period(export.period_start, export.period_end)
        contact_ids: list[int] = []
        if export.row:
            listed = contact_list_table(export.created_by, export.figure, export.row, period)
            table, contact_ids = listed if listed is not None else (None, [])
        else:
            table = find_table(
                export.figure, period, export.profile, compare_previous=export.compare
            )
        if table is None:
            return _export_end(export_id, error=f"There is no figure called {export.figure}.")

        def progress(done: int, total: int) -> None:
            # Ticks are not a change worth a history row, and must commit at once so the
            # progress page sees them while the task runs: a plain UPDATE, on purpose.
            percent = min(99, done * 100 // total) if total else 99
            Export.objects.filter(pk=export_id).update(progress=percent)

        content = exports.export_table(table, export.format, on_progress=progress)
    except Exception:
        _export_end(export_id, error="Something went wrong making this export.")
        raise
    return _export_end(
        export_id,
        content=content,
        rows=len(table.rows),
        personal=table.personal,
        title=table.title,
        contact_ids=contact_ids,
    )


@transaction.atomic
def _export_end(
    export_id: int,
    *,
    content: bytes | None = None,
    rows: int = 0,
    personal: bool = False,
    title: str = "",
    error: str = "",
    contact_ids: list[int] | None = None,
) -> Export:
    export = _locked_export(export_id)
    now = timezone.now()
    export.finished_at = now
    if error:
        export.status = ExportStatus.FAILED
        export.error = error[:300]
        save_audited(export, user=export.created_by, reason="Export failed")
        return export
    export.file.save(export.filename, ContentFile(content or b""), save=False)
    export.status = ExportStatus.READY
    export.progress = 100
    export.rows = rows
    export.personal = personal
    export.contact_ids = contact_ids or []
    export.title = title[:200]
    # Kept for EXPORT_KEEP_HOURS from when it could first be downloaded.
    export.expires_at = now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    save_audited(export, user=export.created_by, reason="Export ready")
    return export


def export_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their time; idempotent, and catches up after downtime."""
    now = now or timezone.now()
    deleted = 0
    with transaction.atomic():
        due = (
            Export.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lte=now)
            .exclude(status=ExportStatus.EXPIRED)
        )
        for export in due:
            if export.file:
                storage, name = export.file.storage, export.file.name
                # The file goes only if the row says so, i.e. once this commits.
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            export.status = ExportStatus.EXPIRED
            export.file = ""
            save_audited(
                export,
                user=None,
                reason=f"Deleted after {settings.EXPORT_KEEP_HOURS:g} hours",
            )
            deleted += 1
    return deleted
