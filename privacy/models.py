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


# Subject access (UK GDPR Article 15) ---------------------------------------------------------


class Requester(models.TextChoices):
    SUBJECT = "subject", "The person the data is about"
    PARENT = "parent", "A parent with parental responsibility"
    REPRESENTATIVE = "representative", "A representative acting with their authority"


class SarStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXTENDED = "extended", "Open: extended"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"


SAR_OPEN_STATUSES = (SarStatus.OPEN, SarStatus.EXTENDED)


class SubjectAccessRequest(models.Model):
    """A request for everything held about a person, with its one-calendar-month clock.

    `due_on` is one calendar month from receipt (privacy.dates); an extension of up to two
    further months moves `extended_due_on`. While the request is open a legal hold of reason
    SUBJECT_ACCESS stops anything about the person being destroyed.
    """

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = models.CharField("Name of the person asking", max_length=160)
    requester = models.CharField(
        "Who is asking", max_length=20, choices=Requester.choices, default=Requester.SUBJECT
    )
    requester_relationship = models.CharField(
        "Their relationship to the person", max_length=160, blank=True
    )
    received_on = models.DateField("Date the request was received")
    due_on = models.DateField(editable=False)
    extended_due_on = models.DateField(null=True, blank=True, editable=False)
    extension_reason = models.TextField(blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    identity_evidence = models.TextField("How identity was checked", blank=True)
    status = models.CharField(max_length=10, choices=SarStatus.choices, default=SarStatus.OPEN)
    refusal_reason = models.TextField(blank=True)
    hold = models.OneToOneField(
        LegalHold,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subject_access_request",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "subject access request"
        indexes = [
            # The dashboard and the list read only open requests, soonest due first.
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "extended"]),
                name="sar_open_due",
            ),
            models.Index(fields=["person", "status"], name="sar_person"),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.reference}"

    @property
    def reference(self) -> str:
        return f"SAR{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in SAR_OPEN_STATUSES

    @property
    def current_due_on(self):
        return self.extended_due_on or self.due_on

    @property
    def is_verified(self) -> bool:
        return self.identity_verified_at is not None


class Redaction(models.Model):
    """The handler's decision to redact one item of a disclosure, and why.

    `item` is the disclosure's key for it (privacy.disclosure), e.g. `referrer:12` for the
    referrer of contact 12 or `answer:7` for a partner answer. Unticking deletes the row
    (through history, so the change is kept).
    """

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="redactions"
    )
    item = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="redaction_once_per_item")
        ]

    def __str__(self) -> str:
        return f"Redaction of {self.label}"


class DisclosureStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted"


def _disclosure_path(disclosure: "Disclosure", filename: str) -> str:
    return f"subject-access/{disclosure.request_id}/{disclosure.pk or 'new'}-{filename}"


class Disclosure(models.Model):
    """One produced download (a ZIP of PDF, JSON and CSV) for a request.

    The file is itself personal data: it is kept until `expires_at`
    (settings.SUBJECT_ACCESS_KEEP_HOURS), then deleted by beat; the row stays as the record
    of what was produced, by whom, and what was withheld or redacted.
    """

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="disclosures"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=DisclosureStatus.choices, default=DisclosureStatus.QUEUED
    )
    file = models.FileField(upload_to=_disclosure_path, blank=True, max_length=200)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    withheld = models.PositiveIntegerField(default=0)
    redacted = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=~Q(status="expired"),
                name="disclosure_to_expire",
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} for {self.request}"

    @property
    def filename(self) -> str:
        return f"subject-access-{self.request.reference}-{self.pk}.zip"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            DisclosureStatus.READY,
            DisclosureStatus.FAILED,
            DisclosureStatus.EXPIRED,
        )


# Who has looked at this child ----------------------------------------------------------------


class UnusualAccessReport(models.Model):
    """One week's reads of children's records by users with no work on them (privacy.unusual)."""

    week_start = models.DateField(unique=True)
    week_end = models.DateField()
    made_at = models.DateTimeField()
    reads_checked = models.PositiveBigIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start"]
        permissions = [("view_unusual_access", "Can see the weekly unusual access reports")]

    def __str__(self) -> str:
        return f"Unusual access, week of {self.week_start:%d %B %Y}"


class UnusualAccess(models.Model):
    """A user who read a child's record in the week with no work on it. Written once, never changed."""

    report = models.ForeignKey(UnusualAccessReport, on_delete=models.CASCADE, related_name="rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="+")
    reads = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "user", "person"]
        verbose_name_plural = "unusual access"
        constraints = [
            models.UniqueConstraint(fields=["report", "user", "person"], name="unusual_access_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.person_id} ({self.reads})"


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
