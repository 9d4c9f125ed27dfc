"""Council profiles, the threshold table, closure days and deadlines.

A deadline is a row: what it is for, who answers for it, when it started, when it is
due, when it was met or breached. Services start and meet deadlines; the beat sweep
marks them due soon and breached. Clock arithmetic lives in thresholds/clock.py.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.enums import Rag, RatingOutcome
from core.templatetags.govuk import govuk_date


class CouncilProfile(models.Model):
    """One local authority's configuration of the front door.

    The running service uses the profile named by settings.COUNCIL_PROFILE.
    """

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    route_recently_closed_to_last_team = models.BooleanField(
        default=False,
        help_text="A new contact about a child whose case closed recently goes to the team that "
        "last worked with the child (Havering).",
    )
    recently_closed_months = models.PositiveSmallIntegerField(
        default=3, help_text="How recent a closure counts as 'closed recently', in months."
    )
    route_previously_known_to_mash = models.BooleanField(
        default=True,
        help_text="A child previously known to social care goes to the MASH manager whatever the "
        "initial rating (Camden protocol 6.1).",
    )
    repeat_contact_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="This many contacts about a child within the window flags 'consider a Child "
        "and Family Assessment'.",
    )
    repeat_contact_window_months = models.PositiveSmallIntegerField(default=12)
    duplicate_contact_window_hours = models.PositiveSmallIntegerField(
        default=72,
        help_text="Contacts about the same child received within this many hours of each other "
        "are flagged at screening as possibly reporting the same incident.",
    )
    outcomes = models.JSONField(
        default=list,
        help_text="The rating outcomes this council uses (codes of RatingOutcome).",
    )
    la_code = models.CharField(
        "Local authority code",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{3}$", "Three digits, e.g. 202.")],
        help_text="The DfE's three-digit code for the council (LEA in the CIN census).",
    )
    service_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="What the council calls its front door, as the page header names it "
        "(e.g. Children and Families Contact Service).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def uses(self, outcome: "RatingOutcome | str") -> bool:
        return str(outcome) in self.outcomes


class ClockKind(models.TextChoices):
    """Every clock the front door runs."""

    RED_CHECKS = "red_checks", "Red: partner checks and decision"
    AMBER_CHECKS = "amber_checks", "Amber: checks, decision and referral on"
    BORDERLINE = "borderline", "Borderline: checks to settle the rating"
    GREEN_TO_EARLY_HELP = "green_to_early_help", "Green: to early help"
    CONTACT_RECORD = "contact_record", "Contact record completed"
    SCREENING = "screening", "Screened from receipt"
    INITIAL_RATING = "initial_rating", "Initial rating"
    REFERRER_TOLD = "referrer_told", "Referrer told the outcome"
    INFORMATION_AND_ADVICE = "information_and_advice", "Provision of information and advice"
    EARLY_HELP_DECISION = "early_help_decision", "Early help referral decision"
    CP_WRITTEN_FOLLOW_UP = (
        "cp_written_follow_up",
        "Written follow-up of a phone child protection referral",
    )
    PARTNER_CHECK = "partner_check", "Partner agency check"
    FAMILY_WORK = "family_work", "Family work case open at most"
    DISAGREEMENT = "disagreement", "Disagreement with a MASH decision resolved"


class TimeUnit(models.TextChoices):
    CLOCK_HOURS = "clock_hours", "clock hours"
    WORKING_DAYS = "working_days", "working days"
    CALENDAR_DAYS = "calendar_days", "days"


class Timescale(models.Model):
    """How long one clock runs under one council's profile."""

    profile = models.ForeignKey(CouncilProfile, on_delete=models.CASCADE, related_name="timescales")
    kind = models.CharField(max_length=30, choices=ClockKind.choices)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=15, choices=TimeUnit.choices)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the council's procedure sets this timescale."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="timescale_once_per_profile")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.get_unit_display()}"


class ClosureDay(models.Model):
    """A day the service counts as non-working besides weekends and English bank holidays."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{govuk_date(self.date)}: {self.reason}"


class ThresholdLevel(models.Model):
    """A level of need in the threshold table (Camden appendix: Levels 1-4)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=60)
    description = models.TextField()
    response = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Level {self.number}: {self.name}"


class ThresholdIndicator(models.Model):
    level = models.ForeignKey(ThresholdLevel, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level__number", "order"]

    def __str__(self) -> str:
        return self.text


# A clock runs until its work is done (met) or is no longer needed (closed).
OPEN = Q(met_at__isnull=True, closed_at__isnull=True)
OPEN_ONCE = "deadline_open_once"


class DeadlineQuerySet(models.QuerySet):
    def open(self) -> "DeadlineQuerySet":
        """Clocks still running: neither met nor closed as no longer needed."""
        return self.filter(OPEN)


class Deadline(models.Model):
    """One running clock."""

    kind = models.CharField(max_length=30, choices=ClockKind.choices)
    # Indexed by deadline_contact_kind (contact first), not by an index of its own: every
    # index is written again each time the sweep marks a clock.
    contact = models.ForeignKey(
        "referrals.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        db_index=False,
    )
    # The record the clock is about when it is not the contact itself (a partner request, ...).
    # Indexed with subject_id (deadline_subject): a request's or a case's clocks by index.
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    # The role that answers for the clock when no team or person does (e.g. the MASH manager).
    responsible_role = models.CharField(max_length=30, blank=True)
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(
        default=timezone.now, help_text="From when the clock counts as due soon."
    )
    due_soon_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep found it due soon (once)."
    )
    breached_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep found it past due (once)."
    )
    breach_notified_at = models.DateTimeField(null=True, blank=True)
    # Work that stopped being needed (partner checks after the decision, a withdrawn contact)
    # closes its clock: it stops running and never breaches, and it is not "met".
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    # History is read by clock (id) and by date; its copies of the foreign keys are not
    # indexed, so marking a clock writes four index entries fewer.
    history = HistoricalRecords(no_db_index=["contact", "subject_type", "team", "responsible"])

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The sweep and every dashboard read open clocks by due time; a queue walks them in
            # that order (referrals.urgency). It carries what the dashboard counts (overdue, due
            # soon; by team, worker, kind and RAG) and the contact a grant is probed on, so the
            # counts read this index alone, not a heap page per clock (100,000 open clocks on a
            # large council: 85,000 pages). One index, not a second beside it: the sweep writes
            # every index again each time it marks a clock.
            models.Index(
                fields=["due_at"],
                include=[
                    "contact",
                    "team",
                    "responsible",
                    "kind",
                    "rag",
                    "breached_at",
                    "due_soon_at",
                    "warn_at",
                ],
                condition=OPEN,
                name="deadline_open_due_counted",
            ),
            # The sweep's two claims, over exactly the clocks still to mark, so a sweep with
            # nothing due reads no index entry however many clocks are open or overdue.
            models.Index(
                fields=["due_at"],
                condition=OPEN & Q(breached_at__isnull=True),
                name="deadline_to_breach",
            ),
            models.Index(
                fields=["warn_at"],
                condition=OPEN & Q(due_soon_at__isnull=True, breached_at__isnull=True),
                name="deadline_to_warn",
            ),
            # A team's open clocks in due order; it holds what the dashboard counts, so a team's
            # counts (the early help triage team answers for 44,000 at a large council) are
            # read from the index alone.
            models.Index(
                fields=["team", "due_at"],
                include=[
                    "contact",
                    "responsible",
                    "kind",
                    "rag",
                    "breached_at",
                    "due_soon_at",
                    "warn_at",
                ],
                condition=OPEN,
                name="deadline_open_team_counted",
            ),
            # A worker's open clocks in due order. Not covering: with the clock's id and team
            # in it, PostgreSQL read it whole (every open clock) for a team's few clocks.
            models.Index(
                fields=["responsible", "due_at"],
                condition=OPEN,
                name="deadline_open_person",
            ),
            models.Index(fields=["contact", "kind"], name="deadline_contact_kind"),
            # The clocks of a partner request, a disagreement or a family work case.
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject"),
            # A queue's "most urgent clock first": each contact's earliest open clock is the
            # first entry of its range here (referrals.selectors.next_due).
            models.Index(
                fields=["contact", "due_at"], condition=OPEN, name="deadline_open_contact_due"
            ),
            # A work tray's clocks answered by a role (no one named), read from the index
            # alone (the clock and its contact are in it): a role's open clocks lie all over
            # the table, so with a heap visit per entry PostgreSQL priced this index far
            # above walking every open clock by due time (46,000 entries for a screening
            # officer's first 552). Nothing more in it: with the team included too, the planner
            # priced it close to walking every open clock by due time, and chose the walk for a
            # tray in some runs (tests/performance/test_role_clock_plan.py). The clock's id is
            # a key, not only carried: the index is then in the page's order (due time, id)
            # and read up to the page's end; with the id only carried, the rows of a due time
            # were sorted again, which priced it within a fifth of the walk and CI once chose
            # the walk.
            models.Index(
                fields=["responsible_role", "due_at", "id"],
                include=["contact"],
                condition=OPEN & Q(responsible__isnull=True),
                name="deadline_open_role_covering",
            ),
            # The overdue dashboard's clocks of a role, no one named, outside a manager's team,
            # found in the index alone (selectors.outside_team: the early help duty manager's
            # role answers for 44,000 clocks, all of them their own team's).
            models.Index(
                fields=["responsible_role", "team"],
                include=["id"],
                condition=OPEN & Q(responsible__isnull=True),
                name="deadline_open_role_team",
            ),
            # The overdue dashboard's clocks of a role named to someone (the early help duty
            # managers watch the family workers' 12-week clocks): selectors.overseen_by.
            models.Index(
                fields=["responsible_role"],
                include=["id", "team"],
                condition=OPEN & Q(responsible__isnull=False),
                name="deadline_open_named_role",
            ),
            # Management information reads the clocks started in a period (reporting.figures).
            models.Index(fields=["started_at"], name="deadline_started"),
            # ... and of one kind (the partner checks per agency).
            models.Index(fields=["kind", "started_at"], name="deadline_kind_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("started_at")), name="deadline_due_after_start"
            ),
            # One running clock per kind and record: two requests starting the same clock at
            # once cannot both insert (deadline_start returns the winner's row). A clock with
            # no subject (or no contact) counts as the same clock as another without one.
            models.UniqueConstraint(
                fields=["kind", "contact", "subject_type", "subject_id"],
                condition=OPEN,
                nulls_distinct=False,
                name=OPEN_ONCE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.closed_at is None

    @property
    def is_closed(self) -> bool:
        """Closed as no longer needed (not met)."""
        return self.closed_at is not None

    @property
    def was_met_late(self) -> bool:
        return self.met_at is not None and self.met_at > self.due_at

    @property
    def detail(self) -> str:
        """What this clock is for beyond its kind (e.g. which agency's checks), or ""."""
        return "" if self.description == self.get_kind_display() else self.description


class TallyState(models.TextChoices):
    """What the sweep has marked on an open clock: breached, due soon, or neither yet."""

    OVERDUE = "overdue", "Marked past due"
    DUE_SOON = "due_soon", "Marked due soon"
    OPEN = "open", "Not marked"


class DeadlineTally(models.Model):
    """How many open clocks there are of each kind, RAG, team and worker, and what the sweep
    has marked on them, kept by the database itself (thresholds.tally): a trigger on the
    clocks adds a row of +n / -n for each change a statement makes, and the sweep folds the
    rows into one per group. The overdue dashboard of a manager who watches every open
    clock, or their team's, reads this instead of counting 100,000 clocks on every refresh.

    Derived data: no history of its own (the clocks have theirs), no foreign keys (a row
    names a team or a worker the clocks still name; nothing joins it)."""

    team_id = models.BigIntegerField(null=True)
    responsible_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30)
    rag = models.CharField(max_length=5, blank=True)
    on_contact = models.BooleanField()
    state = models.CharField(max_length=10, choices=TallyState.choices)
    n = models.IntegerField()

    class Meta:
        verbose_name_plural = "deadline tallies"

    def __str__(self) -> str:
        return f"{self.kind} {self.state}: {self.n:+d}"
