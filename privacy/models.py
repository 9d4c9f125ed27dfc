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


# Retention ---------------------------------------------------------------------------------


class RecordKind(models.TextChoices):
    """What kind of record a contact is for retention; the longest-kept kind that fits wins."""

    CIN_CP = "cin_cp", "Children in need or child protection contact and referral"
    EARLY_HELP = "early_help", "Early help"
    NFA_ADVICE = "nfa_advice", "Contact closed with no further action or information and advice"


class RetentionEvent(models.TextChoices):
    """The event a retention period is counted from."""

    EIGHTEENTH_OR_CLOSURE = (
        "eighteenth_or_closure",
        "The youngest child's 18th birthday or the record's closure, whichever is later",
    )
    CLOSURE = "closure", "The record's closure"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday", "The youngest child's 18th birthday"
    RECEIVED = "received", "The date the contact was received"


class RetentionRule(models.Model):
    """How long one council keeps one kind of record, and from which event (ADR 0014)."""

    profile = models.ForeignKey(
        "thresholds.CouncilProfile", on_delete=models.CASCADE, related_name="retention_rules"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    years = models.PositiveSmallIntegerField(help_text="How many years the record is kept.")
    counted_from = models.CharField(max_length=30, choices=RetentionEvent.choices)
    source = models.CharField(
        max_length=250,
        blank=True,
        help_text="Where the period comes from: the law, the council's policy, or its own choice.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="retention_rule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.years} years from {self.get_counted_from_display().lower()}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    HELD = "held", "Held: a legal hold is in force"
    DESTROYED = "destroyed", "Approved and destroyed"
    KEPT = "kept", "Kept"


# A contact has at most one review still to decide (or already destroyed); a kept review is
# closed, and the sweep opens a new one once its review-again date has passed.
OPEN_REVIEW = Q(status__in=[ReviewStatus.PENDING, ReviewStatus.HELD, ReviewStatus.DESTROYED])


class RetentionReview(models.Model):
    """A record past its retention period, waiting for a manager's decision (or decided)."""

    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="retention_reviews"
    )
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    event_on = models.DateField(help_text="The date the period was counted from.")
    due_since = models.DateField(help_text="The date the retention period ended.")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    review_again_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=OPEN_REVIEW, name="retention_review_open_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_since", "id"],
                condition=Q(status__in=[ReviewStatus.PENDING, ReviewStatus.HELD]),
                name="retention_review_queue",
            ),
            models.Index(
                fields=["review_again_on"],
                condition=Q(status=ReviewStatus.KEPT),
                name="retention_review_again",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention review of contact {self.contact_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (ReviewStatus.PENDING, ReviewStatus.HELD)


class Tombstone(models.Model):
    """What is left of a destroyed record: no personal data, only the facts the statistics need.

    The contact row itself also stays, emptied (Contact.destroyed_at), so the management
    information and the returns that read it still count it in its year.
    """

    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="tombstone"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    council = models.ForeignKey(
        "thresholds.CouncilProfile", on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField()
    source = models.CharField(max_length=20, blank=True)
    referral_source = models.CharField(max_length=2, blank=True)
    rag = models.CharField(max_length=5, blank=True)
    outcome = models.CharField(max_length=30, blank=True, help_text="The contact's final status.")
    team_kind = models.CharField(max_length=20, blank=True)
    children = models.PositiveSmallIntegerField(default=0)
    destroyed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review = models.OneToOneField(
        RetentionReview, on_delete=models.PROTECT, related_name="tombstone"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on"]
        indexes = [models.Index(fields=["received_on"], name="tombstone_received")]

    def __str__(self) -> str:
        return (
            f"Tombstone of a {self.get_kind_display().lower()} record received {self.received_on}"
        )
