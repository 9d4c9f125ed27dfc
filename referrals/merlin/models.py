"""Police MERLIN reports: what the Public Protection Desk sends the front door [DOMAIN §9].

Imported at the foot of referrals/models.py so Django registers the models with the app.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.enums import Rag


class MerlinCategory(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    MISSING_CHILD = "missing_child", "Missing child"
    YOUTH_CRIME = "youth_crime", "Youth crime or anti-social behaviour"
    ADULTS_ONLY = "adults_only", "Adults only concern"
    OTHER = "other", "Other"


class MerlinRoute(models.TextChoices):
    """Where a report went when it arrived."""

    SCREENING = "screening", "Waiting for screening"
    ALLOCATED_WORKER = "allocated_worker", "Passed to the allocated worker"
    ADULT_SERVICES = "adult_services", "Passed to adult services"
    YOUTH_SERVICE = "youth_service", "Passed to the youth service"
    DOMESTIC_ABUSE_ONLY = "domestic_abuse_only", "No children: domestic abuse service only"


class MerlinReport(models.Model):
    """One police MERLIN report, checked and signed off by the police decision maker."""

    reference = models.CharField("MERLIN reference", max_length=30, unique=True)
    police_rag = models.CharField("Police RAG rating", max_length=5, choices=Rag.choices)
    incident_at = models.DateTimeField("Date and time of the incident")
    category = models.CharField(max_length=20, choices=MerlinCategory.choices)
    safeguarding_concerns = models.BooleanField(
        "The police see safeguarding concerns for a child", default=False
    )
    summary = models.TextField()
    decision_maker_name = models.CharField("Police decision maker", max_length=120)
    decision_maker_rank = models.CharField("Decision maker's rank", max_length=60)
    signed_off_at = models.DateTimeField("Signed off by the decision maker")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merlin_reports"
    )
    submitted_at = models.DateTimeField()
    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="merlin"
    )
    route = models.CharField(max_length=20, choices=MerlinRoute.choices)
    route_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("submit_merlin", "Can submit police MERLIN reports")]
        indexes = [
            models.Index(fields=["submitted_by", "-submitted_at"], name="merlin_submitter"),
            models.Index(fields=["category", "-submitted_at"], name="merlin_category"),
        ]

    def __str__(self) -> str:
        return f"MERLIN {self.reference}"


class MerlinSubject(models.Model):
    """A child or adult named on a report, matched to (or recorded as) a person."""

    report = models.ForeignKey(MerlinReport, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="merlin_mentions"
    )
    is_child = models.BooleanField()
    matched_existing = models.BooleanField(default=False, editable=False)
    background_checks = models.TextField("Police background checks", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_child", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "person"], name="merlin_subject_once"),
        ]

    def __str__(self) -> str:
        return f"{'Child' if self.is_child else 'Adult'} on {self.report}"


class MerlinCopy(models.Model):
    """A copy of a report sent to another service (the domestic abuse service, adult services,
    the youth service), or a note that the council has none set up and it must go by hand."""

    report = models.ForeignKey(MerlinReport, on_delete=models.CASCADE, related_name="copies")
    agency = models.ForeignKey(
        "accounts.PartnerAgency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merlin_copies",
    )
    reason = models.CharField(max_length=20, choices=MerlinRoute.choices)
    note = models.CharField(max_length=250)
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "MERLIN copies"
        indexes = [models.Index(fields=["agency", "-created_at"], name="merlin_copy_agency")]

    def __str__(self) -> str:
        return f"Copy of {self.report} to {self.agency or 'nobody set up'}"
