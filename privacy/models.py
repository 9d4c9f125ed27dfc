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
