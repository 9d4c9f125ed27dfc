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
