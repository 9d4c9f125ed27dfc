"""Early help: the duty manager's referral decision, family work with its team around the
family, the weekly Early Help Panel, and step-ups and step-downs (Camden protocol 3, 6.1-6.2).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.templatetags.govuk import govuk_date
from core.urls import reverse_pk


class Outcome(models.TextChoices):
    """What early help does with a case: the duty manager's decision or the panel's."""

    INFORMATION_ADVICE_GUIDANCE = (
        "iag",
        "Information, advice and guidance (an early help coordinator)",
    )
    BRIEF_ASSESSMENT = (
        "brief_assessment",
        "Brief early help assessment by a family worker (family work, up to 12 weeks)",
    )
    PANEL = "panel", "The weekly Early Help Panel"
    TARGETED_SERVICE = "targeted_service", "Referral to a more intensive early help service"
    SIGNPOSTING = "signposting", "Signposting to universal or community services"
    NO_FURTHER_ACTION = "nfa", "No further action"
    # Not a duty outcome chosen from the list: its own page (early_help_step_up_to_mash).
    STEP_UP_TO_MASH = "step_up_mash", "Stepped up to the MASH: the concerns need social work"


# The duty manager refers on to First Stop (IAG, assessment or the panel) or closes; matching a
# family to a longer-term early help service is the panel's decision (protocol 3, 6.1).
DUTY_OUTCOMES = [
    Outcome.INFORMATION_ADVICE_GUIDANCE,
    Outcome.BRIEF_ASSESSMENT,
    Outcome.PANEL,
    Outcome.SIGNPOSTING,
    Outcome.NO_FURTHER_ACTION,
]
PANEL_OUTCOMES = [
    Outcome.BRIEF_ASSESSMENT,
    Outcome.INFORMATION_ADVICE_GUIDANCE,
    Outcome.TARGETED_SERVICE,
    Outcome.SIGNPOSTING,
    Outcome.NO_FURTHER_ACTION,
]


class EarlyHelpDecision(models.Model):
    """The early help referral decision (EHRD) on a green contact."""

    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="early_help_decision"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The coordinator (information, advice and guidance) or the family worker.",
    )
    service = models.TextField(
        blank=True, help_text="The universal or community services the family was signposted to."
    )
    rag = models.CharField(
        "RAG rating given on stepping up",
        max_length=5,
        blank=True,
        help_text="For a step-up to the MASH: red or amber, which sets the MASH clock.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        permissions = [("record_consent", "Can record the family's consent to early help")]
        indexes = [models.Index(fields=["outcome", "-decided_at"], name="eh_decision_outcome")]

    def __str__(self) -> str:
        return f"Early help decision on {self.contact}: {self.get_outcome_display()}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    LEAD_PROFESSIONAL_IN_COMMUNITY = (
        "handed_to_lead_professional",
        "Handed to a lead professional in the team around the family",
    )
    NEEDS_MET = "needs_met", "Plan completed: needs met"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    CONSENT_WITHDRAWN = "consent_withdrawn", "The family withdrew consent"
    MOVED_AWAY = "moved_away", "The family moved out of the area"
    OTHER = "other", "Other"


class CaseSource(models.TextChoices):
    DECISION = "decision", "Early help referral decision"
    PANEL = "panel", "Early Help Panel"


class FamilyWorkCase(models.Model):
    """Family work: a brief early help assessment and a team around the family, at most 12 weeks."""

    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="family_work_cases"
    )
    children = models.ManyToManyField("referrals.Person", related_name="family_work_cases")
    family_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="family_work_cases"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=CaseSource.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_details = models.TextField(blank=True)
    # Ofsted Annex A list 2: the early help assessment starts when the case opens.
    assessment_completed_on = models.DateField(
        "Early help assessment completed", null=True, blank=True
    )
    history = HistoricalRecords(m2m_fields=[children])

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, closed_at__isnull=True)
                | Q(status=CaseStatus.CLOSED, closed_at__isnull=False),
                name="family_work_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="family_work_status"),
            models.Index(
                fields=["family_worker", "status", "opened_at"], name="family_work_worker"
            ),
        ]

    def __str__(self) -> str:
        return f"Family work case {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse_pk("early_help:case", self.pk)

    @property
    def reference(self) -> str:
        return f"FW{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class TafMember(models.Model):
    """A professional in the team around the family; exactly one is the lead professional."""

    case = models.ForeignKey(FamilyWorkCase, on_delete=models.CASCADE, related_name="taf_members")
    name = models.CharField(max_length=160)
    role = models.CharField(max_length=120)
    organisation = models.CharField("Agency or organisation", max_length=160)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_lead_professional = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead_professional", "pk"]
        verbose_name = "team around the family member"
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_lead_professional=True), name="taf_one_lead"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role} ({self.organisation})"


class StepUp(models.Model):
    """New concerns on a family work case, sent to MASH screening as a new contact."""

    case = models.ForeignKey(FamilyWorkCase, on_delete=models.PROTECT, related_name="step_ups")
    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="step_up"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"Step-up {self.contact} from {self.case}"


class StepDown(models.Model):
    """A social work team passing a case to early help, with its reasons."""

    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="step_down"
    )
    from_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["from_team", "-requested_at"], name="step_down_team")]

    def __str__(self) -> str:
        return f"Step-down {self.contact} from {self.from_team}"


class EarlyHelpPanel(models.Model):
    """One week's Early Help Panel: who attended (the agenda is its cases)."""

    date = models.DateField(unique=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    other_attendees = models.CharField(
        max_length=300, blank=True, help_text="Attendees without an account, with their role."
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        permissions = [("chair_earlyhelppanel", "Can chair the Early Help Panel")]

    def __str__(self) -> str:
        return f"Early Help Panel {govuk_date(self.date)}"


class PanelSource(models.TextChoices):
    DECISION = "decision", "Sent by the early help duty manager"
    STEP_DOWN = "step_down", "Step-down from a social work team"


class PanelCase(models.Model):
    """A case on a panel's agenda, and the panel's decision on it."""

    panel = models.ForeignKey(EarlyHelpPanel, on_delete=models.PROTECT, related_name="cases")
    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="panel_cases"
    )
    source = models.CharField(max_length=10, choices=PanelSource.choices)
    reason = models.TextField()
    decision = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.TextField(
        blank=True, help_text="The early help, universal or community service the family goes to."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "contact"], name="panel_case_once"),
        ]
        indexes = [
            models.Index(fields=["panel", "id"], name="panel_case_agenda"),
            models.Index(
                fields=["panel"], condition=Q(decided_at__isnull=True), name="panel_case_undecided"
            ),
            models.Index(fields=["contact", "decided_at"], name="panel_case_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} at {self.panel}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


# Object permissions ------------------------------------------------------------------------
# django-guardian's direct foreign-key tables: a grant holds a real FK to the record, so a queue
# filtering "what may this user or their groups see" joins on the record's primary key through
# the (user|group, permission, record) unique index, instead of guardian's generic `object_pk`
# varchar column that no index on the record can serve (docs/adr/0011-indexable-grants.md).


class FamilyWorkCaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(FamilyWorkCase, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "familyworkcase user permission"


class FamilyWorkCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(FamilyWorkCase, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "familyworkcase group permission"
