"""Warnings on a person (staff safety, risk to others, ...): proposed by staff, agreed by a
manager, reviewed by a date and ended with a reason [issue 12].

Imported at the foot of referrals/models.py so Django registers the model with the app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class WarningKind(models.TextChoices):
    STAFF_SAFETY = "staff_safety", "Staff safety"
    RISK_TO_OTHERS = "risk_to_others", "Risk to others"
    RISK_TO_CHILDREN = "risk_to_children", "Risk to children"
    DANGEROUS_ANIMAL = "dangerous_animal", "Dangerous animal at the address"
    SELF_HARM = "self_harm", "Risk of self-harm or suicide"
    OTHER = "other", "Other"


# Kinds a partner visiting the family must always be told about (with the agreed wording).
ALWAYS_TOLD_TO_PARTNERS = frozenset({WarningKind.STAFF_SAFETY, WarningKind.DANGEROUS_ANIMAL})


class WarningStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: awaiting a manager"
    AGREED = "agreed", "Agreed"
    ENDED = "ended", "Ended"


class PersonWarning(models.Model):
    """One typed warning about a person, shown wherever the person appears once agreed."""

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="warnings"
    )
    kind = models.CharField("Type of warning", max_length=20, choices=WarningKind.choices)
    reason = models.TextField("Reason for the warning")
    # What partner agencies are told: staff-safety warnings always reach them, in these words
    # (agreed by the manager), never the full reason, which may hold other agencies' information.
    partner_summary = models.TextField("What partner agencies are told", blank=True)
    status = models.CharField(
        max_length=10, choices=WarningStatus.choices, default=WarningStatus.PROPOSED
    )
    review_on = models.DateField("Review by")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set once by the beat sweep when the review date passes; a review clears it.
    review_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        permissions = [("agree_personwarning", "Can agree, review and end warnings on a person")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.AGREED) | Q(agreed_at__isnull=False),
                name="person_warning_agreed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.ENDED)
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="person_warning_ended_has_reason",
            ),
        ]
        indexes = [
            # Banners and queue markers look up a person's agreed warnings.
            models.Index(
                fields=["person"],
                condition=Q(status=WarningStatus.AGREED),
                name="person_warning_agreed",
            ),
            # The sweep and the managers' list read agreed warnings by review date.
            models.Index(
                fields=["review_on"],
                condition=Q(status=WarningStatus.AGREED),
                name="person_warning_review",
            ),
            models.Index(fields=["status", "proposed_at"], name="person_warning_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:person_warning", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"W{self.pk:05d}"

    @property
    def is_agreed(self) -> bool:
        return self.status == WarningStatus.AGREED

    @property
    def is_proposed(self) -> bool:
        return self.status == WarningStatus.PROPOSED

    @property
    def is_due_for_review(self) -> bool:
        return self.is_agreed and self.review_due_at is not None

    @property
    def told_to_partners(self) -> bool:
        return self.is_agreed and (
            self.kind in ALWAYS_TOLD_TO_PARTNERS or bool(self.partner_summary)
        )
