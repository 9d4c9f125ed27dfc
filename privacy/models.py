"""Data protection records: legal holds (ADR 0014).

A legal hold stops the destruction of everything held about a person until it is lifted:
litigation, an inquiry or a subject access request in progress. Holds are never deleted;
lifting one records who lifted it, when and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class HoldReason(models.TextChoices):
    LITIGATION = "litigation", "Litigation"
    INQUIRY = "inquiry", "Inquiry or review"
    SUBJECT_ACCESS = "subject_access", "Subject access request in progress"
    COMPLAINT = "complaint", "Complaint or ombudsman investigation"
    OTHER = "other", "Other"


class LegalHold(models.Model):
    """While a hold on a person is in force, nothing held about them may be destroyed."""

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    details = models.TextField(help_text="What the hold is for: the case, inquiry or request.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            models.Index(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="legalhold_in_force"
            ),
        ]
        permissions = [
            ("place_legal_hold", "Can place and lift legal holds"),
            ("review_retention", "Can see the retention review queue"),
            ("approve_destruction", "Can approve the destruction of records past retention"),
            ("handle_subject_access", "Can handle subject access requests"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} hold on {self.person_id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
