"""The MASH: the daily discussion of borderline cases (Camden protocol 8.5) and the
multi-agency enquiry (consent, partner checks, analysis and decision; DOMAIN §6-§7)."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.enums import BorderlineReason, Rag, RatingOutcome
from core.templatetags.govuk import govuk_date
from core.text import lower_in_sentence


class DailyDiscussion(models.Model):
    """One working day's discussion: who attended and what was decided."""

    date = models.DateField(unique=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    other_attendees = models.CharField(
        max_length=300, blank=True, help_text="Attendees without an account, with their role."
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        permissions = [("chair_dailydiscussion", "Can minute the daily discussion")]

    def __str__(self) -> str:
        return f"Daily discussion {govuk_date(self.date)}"


class DiscussionItem(models.Model):
    """A contact on a day's agenda, and the decision minuted for it."""

    discussion = models.ForeignKey(DailyDiscussion, on_delete=models.PROTECT, related_name="items")
    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="discussion_items"
    )
    reason = models.CharField(max_length=30, choices=BorderlineReason.choices)
    decision = models.CharField(max_length=30, choices=RatingOutcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "contact"], name="discussion_item_once")
        ]
        indexes = [models.Index(fields=["contact", "decided_at"], name="discussion_item_open")]

    def __str__(self) -> str:
        return f"{self.contact} at {self.discussion}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANALYSED = "analysed", "Analysed: awaiting the manager's decision"
    DECIDED = "decided", "Decided"


class NextStep(models.TextChoices):
    SOCIAL_WORK_REFERRAL = "social_work_referral", "Referral to a social work team"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (urgent child protection)"
    EARLY_HELP = "early_help", "Early help"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class Enquiry(models.Model):
    """A MASH enquiry into one contact. `version` guards against lost updates."""

    contact = models.OneToOneField(
        "referrals.Contact", on_delete=models.PROTECT, related_name="enquiry"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mash_enquiries",
        help_text="The MASH social worker.",
    )
    status = models.CharField(
        max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.OPEN
    )
    summary = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    recommended_level = models.PositiveSmallIntegerField(
        "Recommended level of need", null=True, blank=True
    )
    recommended_action = models.TextField(blank=True)
    final_rag = models.CharField("Final RAG rating", max_length=5, choices=Rag.choices, blank=True)
    final_rationale = models.TextField(blank=True)
    next_step = models.CharField(max_length=30, choices=NextStep.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name_plural = "enquiries"
        permissions = [("decide_enquiry", "Can give an enquiry its final rating and next step")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommended_level__isnull=True)
                | models.Q(recommended_level__gte=1, recommended_level__lte=4),
                name="enquiry_level_1_to_4",
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="enquiry_queue")]

    def __str__(self) -> str:
        return f"MASH enquiry on {self.contact}"

    @property
    def agencies_answered(self) -> int:
        """How many agencies have submitted information (an agency asked again counts once)."""
        return (
            self.requests.filter(answers__status=AnswerStatus.SUBMITTED)
            .values("agency")
            .distinct()
            .count()
        )

    @property
    def is_mash_record(self) -> bool:
        # Protocol 8.2: three or more agencies' information makes a MASH record.
        return self.agencies_answered >= MASH_RECORD_AGENCIES

    @property
    def is_awaiting_decision(self) -> bool:
        """Analysed, with a recommendation: the manager's decision is next. The one definition
        (the queue's "awaiting decision" view filters with `AWAITING_DECISION`, its mirror)."""
        return self.status == EnquiryStatus.ANALYSED and self.recommended_level is not None

    @property
    def latest_consent(self) -> "ConsentDecision | None":
        return self.consent_decisions.order_by("-recorded_at", "-pk").first()


MASH_RECORD_AGENCIES = 3


# The queryset mirror of Enquiry.is_awaiting_decision, from a contact.
AWAITING_DECISION = models.Q(
    enquiry__status=EnquiryStatus.ANALYSED, enquiry__recommended_level__isnull=False
)


class ConsentOutcome(models.TextChoices):
    SOUGHT_GIVEN = "sought_given", "Sought and given"
    SOUGHT_REFUSED = "sought_refused", "Sought and refused"
    NOT_SOUGHT = "not_sought", "Not sought"
    OVERRIDDEN = "overridden", "Refusal overridden"


class ConsentGround(models.TextChoices):
    IMMEDIATE_DANGER = "immediate_danger", "The child is in immediate danger"
    RISK_OF_HARM_OR_PREJUDICE_INVESTIGATION = (
        "risk_of_harm_or_prejudice_investigation",
        "Seeking consent would put the child at further risk of significant harm or "
        "prejudice a criminal investigation",
    )
    UNJUSTIFIABLE_DELAY = "unjustifiable_delay", "Seeking consent would cause unjustifiable delay"


class ConsentDecision(models.Model):
    """What happened about the family's consent; the latest row is the one that stands."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="consent_decisions")
    outcome = models.CharField(max_length=20, choices=ConsentOutcome.choices)
    ground = models.CharField(max_length=40, choices=ConsentGround.choices, blank=True)
    rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Consent {lower_in_sentence(self.get_outcome_display())} on {self.enquiry}"

    @property
    def allows_checks(self) -> bool:
        return self.outcome != ConsentOutcome.SOUGHT_REFUSED


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting an answer"
    ANSWERED = "answered", "Answered"
    # The MASH decided before the agency answered: the check is no longer needed.
    CLOSED = "closed", "No longer needed"


def inbox_order() -> models.Case:
    """A partner inbox's first sort key: requests awaiting an answer (0) before answered (1).
    The inbox orders by it and an index is built on it, so both must use this one expression."""
    return models.Case(
        models.When(status=RequestStatus.OPEN, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


def rag_order() -> models.Case:
    """Red (0) before amber (1) before anything else (2): the inbox's tie-break after due time.
    Indexed with `inbox_order()`, so the index and the ORDER BY must use this one expression."""
    return models.Case(
        models.When(rag=Rag.RED, then=models.Value(0)),
        models.When(rag=Rag.AMBER, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


class PartnerRequest(models.Model):
    """A request to one partner agency for checks on an enquiry's child and family."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey(
        "accounts.PartnerAgency", on_delete=models.PROTECT, related_name="requests"
    )
    question = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    # A copy of the request's own partner-check clock (its Deadline row, which stays the one
    # the sweep enforces), so the inbox can order by urgency through an index on this table.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "pk"]
        # Partner staff: which requests they see is their agency group's object permissions.
        permissions = [("answer_partnerrequest", "Can answer their agency's requests for checks")]
        constraints = [
            # One request awaiting an answer per agency: once it is answered or closed, the
            # agency may be asked again (after a decision is reopened, say), a new request with
            # its own clock, the earlier one and its answer kept as they were.
            models.UniqueConstraint(
                fields=["enquiry", "agency"],
                condition=models.Q(status=RequestStatus.OPEN),
                name="partner_request_open_once",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="partner_request_inbox"),
            # An agency's inbox pages in urgency order (open first, then the soonest due, then
            # red before amber): walking the agency's range of the index and probing each
            # row's grants stops after one page, instead of sorting every request the agency
            # ever had, or walking every agency's requests to find this one's.
            models.Index(
                "agency",
                inbox_order(),
                # Ascending puts a missing due time last on PostgreSQL (and no NULLS LAST:
                # SQLite, the demo's database, cannot index it).
                "due_at",
                rag_order(),
                "id",
                name="partner_request_agency_urgency",
            ),
        ]

    def __str__(self) -> str:
        return f"Request to {self.agency} on {self.enquiry.contact}"

    @property
    def current_answer(self) -> "PartnerAnswer | None":
        """The latest submitted answer (a later version corrects an earlier one)."""
        return self.answers.filter(status=AnswerStatus.SUBMITTED).order_by("-version").first()


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class PartnerAnswer(models.Model):
    """One version of an agency's answer. Submitted versions never change: corrections are new ones."""

    request = models.ForeignKey(PartnerRequest, on_delete=models.PROTECT, related_name="answers")
    version = models.PositiveIntegerField()
    information_held = models.TextField(blank=True)
    analysis = models.TextField("What the information means for the child", blank=True)
    share_with_receiving_service = models.BooleanField(
        "May be shared with the service the child is referred to", default=False
    )
    share_with_family = models.BooleanField("May be shared with the family", default=False)
    status = models.CharField(
        max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="partner_answer_version"),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="draft"),
                name="partner_answer_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer v{self.version} from {self.request.agency}"

    def save(self, *args, **kwargs) -> None:
        # Immutability is a fact of the row, so it is enforced here as well as in the services.
        if (
            self.pk
            and PartnerAnswer.objects.filter(pk=self.pk, status=AnswerStatus.SUBMITTED).exists()
        ):
            raise ValueError("A submitted answer cannot be changed; save a new version.")
        super().save(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.status == AnswerStatus.SUBMITTED


class InformationShared(models.Model):
    """A partner answer passed on with a referral: the record of what the receiving team was given."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="information_shared"
    )
    answer = models.ForeignKey(PartnerAnswer, on_delete=models.PROTECT, related_name="shared")
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "pk"]
        verbose_name_plural = "information shared"
        constraints = [
            models.UniqueConstraint(fields=["referral", "answer"], name="information_shared_once")
        ]

    def __str__(self) -> str:
        return f"{self.answer} passed on with {self.referral}"


class StrategyDiscussion(models.Model):
    """A strategy discussion held on an enquiry's child (Working Together: urgent child
    protection): when, who took part for which agency, what was decided and what follows."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    decision = models.TextField()
    section_47 = models.BooleanField("Section 47 enquiries will follow")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["enquiry", "held_at"], name="strategy_discussion_enquiry")]

    def __str__(self) -> str:
        return f"Strategy discussion on {self.enquiry.contact}"


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees"
    )
    agency = models.CharField(max_length=120)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["discussion", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class StrategyAction(models.Model):
    """A next step agreed at a strategy discussion, with who does it and by when."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["discussion", "due_on", "pk"]

    def __str__(self) -> str:
        return self.action


class DisagreementSource(models.TextChoices):
    PARTNER = "partner", "A partner agency"
    RECEIVING_TEAM = "receiving_team", "The team the child was referred to"


class DisagreementStatus(models.TextChoices):
    OPEN = "open", "Escalated to the MASH manager"
    RESOLVED = "resolved", "Resolved"


class DisagreementOutcome(models.TextChoices):
    UPHELD = "upheld", "Decision upheld"
    CHANGED = "decision_changed", "Decision changed"


class Disagreement(models.Model):
    """A partner's or the receiving team's disagreement with a MASH decision, escalated to
    the MASH manager (DOMAIN §10, protocol 11); it runs on its own clock until resolved."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="disagreements")
    source = models.CharField(max_length=20, choices=DisagreementSource.choices)
    agency = models.ForeignKey(
        "accounts.PartnerAgency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=DisagreementStatus.choices, default=DisagreementStatus.OPEN
    )
    outcome = models.CharField(max_length=20, choices=DisagreementOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        permissions = [("resolve_disagreement", "Can resolve a disagreement with a MASH decision")]
        indexes = [
            # The MASH manager's queue: open escalations, oldest first.
            models.Index(
                fields=["raised_at"],
                condition=models.Q(status="open"),
                name="disagreement_open",
            ),
            models.Index(fields=["enquiry", "raised_at"], name="disagreement_enquiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(team__isnull=False),
                name="disagreement_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"Disagreement from {self.raised_by_name} on {self.enquiry.contact}"

    @property
    def raised_by_name(self) -> str:
        return str(self.agency or self.team)

    @property
    def is_open(self) -> bool:
        return self.status == DisagreementStatus.OPEN


class PreviousDecision(models.Model):
    """A MASH decision reopened because a disagreement was resolved "decision changed"
    (mash.reopen): what was decided, kept on the enquiry beside the decision taken again."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.PROTECT, related_name="previous_decisions"
    )
    disagreement = models.OneToOneField(
        Disagreement, on_delete=models.PROTECT, related_name="reopened_decision"
    )
    final_rag = models.CharField("Final RAG rating", max_length=5, choices=Rag.choices)
    final_rationale = models.TextField()
    next_step = models.CharField(max_length=30, choices=NextStep.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    # The referral the decision made, withdrawn when it was reopened (none for early help/NFA).
    withdrawn_referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withdrawn_by_decision",
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reopened_at", "-pk"]
        indexes = [
            models.Index(fields=["enquiry", "reopened_at"], name="previous_decision_enquiry")
        ]

    def __str__(self) -> str:
        return f"Previous decision on {self.enquiry.contact}, changed after a disagreement"


class HandoverMethod(models.TextChoices):
    TEAM_MANAGER_EMAIL = "team_manager_email", "Emailed to the team manager"
    RECORDED_HANDOVER = "recorded_handover", "Handed over another way, recorded"


class ReferralHandover(models.Model):
    """How a MASH referral reached a team that has no duty email address: emailed to one of
    its team managers, or handed over another way (who took it, when and how)."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="mash_handover"
    )
    method = models.CharField(max_length=20, choices=HandoverMethod.choices)
    team_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_to = models.CharField("Who took the referral", max_length=160, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    how = models.CharField("How it was handed over", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.referral}"


# Object permissions ------------------------------------------------------------------------
# django-guardian's direct foreign-key tables: a grant holds a real FK to the record, so a queue
# filtering "what may this user or their groups see" joins on the record's primary key through
# the (user|group, permission, record) unique index, instead of guardian's generic `object_pk`
# varchar column that no index on the record can serve (docs/adr/0011-indexable-grants.md).


class EnquiryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Enquiry, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "enquiry user permission"


class EnquiryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Enquiry, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "enquiry group permission"


class PartnerRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PartnerRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "partnerrequest user permission"


class PartnerRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PartnerRequest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "partnerrequest group permission"
