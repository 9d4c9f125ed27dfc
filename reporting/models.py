"""Management information: the period reports a service manager writes and signs off."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly evaluation for the steering group"
    BOARD = "board", "Six-monthly report to the Safeguarding Children Board"


class Report(models.Model):
    """A quarterly or six-monthly report: the figures for its period against the previous
    period (computed, never stored), and the sections the service manager writes."""

    kind = models.CharField(max_length=12, choices=ReportKind.choices)
    profile = models.ForeignKey(
        "thresholds.CouncilProfile", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    multi_agency_issues = models.TextField("Issues arising from multi-agency working", blank=True)
    emerging_issues = models.TextField(
        "Emerging issues and new risks identified in the community", blank=True
    )
    summary = models.TextField("Summary and actions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "kind"]
        permissions = [
            # Team managers and the service manager: figures derived from personal data.
            ("view_management_information", "Can see management information"),
            ("write_report", "Can write the sections of a period report"),
            ("sign_off_report", "Can sign off a period report"),
            ("view_statutory_returns", "Can produce the CIN census and Ofsted Annex A"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "kind", "period_start", "period_end"],
                name="report_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_forwards",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be made"
    EXPIRED = "expired", "Deleted: no longer kept"


def _export_path(export: "Export", filename: str) -> str:
    return f"exports/{export.created_by_id}/{export.pk or 'new'}-{filename}"


class Export(models.Model):
    """One table exported to a file by a Celery task, for the person who asked and nobody else.

    What was exported is named by the figure's key and the period (and whether it is the
    report's comparison with the previous period), so the task can make it again from the
    database; the file is kept until `expires_at` (settings.EXPORT_KEEP_HOURS), then deleted
    by the beat task `reporting.tasks.delete_expired_exports`.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    profile = models.ForeignKey(
        "thresholds.CouncilProfile", on_delete=models.PROTECT, related_name="+"
    )
    figure = models.CharField(max_length=100)
    # A row of the figure: the export is the list of contacts behind it (reporting.contact_lists),
    # only those the person who asked may open, whose ids are kept so taking the file is logged
    # against each contact it names.
    row = models.CharField(max_length=100, blank=True)
    contact_ids = models.JSONField(default=list, blank=True, editable=False)
    title = models.CharField(max_length=200, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    compare = models.BooleanField(
        default=False, help_text="The figure against the previous period, as in a report."
    )
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(null=True, blank=True)
    personal = models.BooleanField(
        default=False, help_text="The rows name or identify people: downloads are logged."
    )
    file = models.FileField(upload_to=_export_path, blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="export_by_user")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="export_period_forwards",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.figure} ({self.get_format_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def filename(self) -> str:
        stem = "".join(c if c.isalnum() else "-" for c in self.figure).strip("-") or "export"
        suffix = "-compared" if self.compare else ""
        return f"{stem}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}{suffix}.{self.format}"
