from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import (
    AbstractUser,
    Group,
    _user_has_module_perms,
    _user_has_perm,
)
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.templatetags.govuk import govuk_datetime

from .roles import Role


class TeamKind(models.TextChoices):
    SCREENING = "screening", "Contact Service screening"
    MASH = "mash", "MASH"
    SOCIAL_WORK = "social_work", "Social work (CSSW / CIN)"
    DISABLED_CHILDREN = "disabled_children", "Disabled children"
    EARLY_HELP = "early_help", "Early help"
    EARLY_HELP_TRIAGE = "early_help_triage", "Early help front door (duty manager)"
    OTHER = "other", "Other"


class Team(models.Model):
    """A team of the council. Its members share object permissions through `group`."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    duty_email = models.EmailField(blank=True, help_text="Where referrals to this team are sent.")
    profile = models.ForeignKey(
        "thresholds.CouncilProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        help_text="The council whose structure this team belongs to; blank for any.",
    )
    is_active = models.BooleanField(default=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, editable=False, related_name="team"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    CAMHS = "camhs", "Child and adolescent mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    YOUTH = "youth", "Youth service"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class PartnerAgency(models.Model):
    """A MASH partner. Its staff share object permissions on its requests through `group`."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    secure_email = models.EmailField(blank=True)
    profile = models.ForeignKey(
        "thresholds.CouncilProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text="The council whose MASH this agency sits in; blank for any.",
    )
    always_asked = models.BooleanField(
        default=False, help_text="Asked for checks in every MASH enquiry (preselected)."
    )
    is_active = models.BooleanField(default=True)
    # Nullable because the council profiles' data migration writes agencies directly;
    # accounts.services.agency_group fills it in whenever it is missing.
    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="agency",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    agency = models.ForeignKey(
        PartnerAgency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="Partner agency users only: the agency whose requests they see.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    # Whether the user has a confirmed authenticator app (django-otp's TOTPDevice). Kept by
    # accounts.two_factor's services beside the device rows, so the sign-in gate on every
    # request reads it from the user already loaded rather than querying the devices.
    two_factor_enabled = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def read_group_ids(self) -> list[int]:
        """The user's group ids, read now; the names read with them are kept for `roles`, so a
        page that filters by grants (accounts.grants) and shows the navigation reads the
        groups once. The signed-in user of a request came with their groups
        (accounts.permissions.CaseDataModelBackend.get_user): those are used."""
        if getattr(self, "_groups_read_with_user", False):
            return [pk for pk, _ in self._group_rows_cache]
        rows = list(self.groups.values_list("pk", "name"))
        self._group_rows_cache = rows
        return [pk for pk, _ in rows]

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, from their groups (cached per instance)."""
        if not hasattr(self, "_roles_cache"):
            rows = getattr(self, "_group_rows_cache", None)
            if rows is None:  # all(): a list of users may have prefetched their groups
                rows = [(g.pk, g.name) for g in self.groups.all()]
            names = {name for _, name in rows}
            self._roles_cache = frozenset(r for r in Role if r.value in names)
        return self._roles_cache

    def has_role(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def check_password(self, raw_password: str) -> bool:
        """Django's check, with a hash upgrade (a stronger work factor, a new hasher) that two
        sign-ins at once cannot turn against each other. Django re-hashes a right password
        and saves it; each hash has its own salt, and a session is tied to the hash its
        sign-in saw (`get_session_auth_hash`), so the sign-in whose hash was overwritten was
        signed out on its next request. The upgrade is written only over the hash that was
        checked; a sign-in that finds it already upgraded takes the stored one instead."""
        checked = self.password

        def upgrade(raw: str) -> None:
            self.set_password(raw)
            self._password = None  # an upgrade is not a password change
            if self.pk is None:
                return
            users = type(self).objects.filter(pk=self.pk)
            if not users.filter(password=checked).update(password=self.password):
                self.password = users.values_list("password", flat=True).get()

        return check_password(raw_password, self.password, upgrade)

    # A superuser configures the service but reads no case record by being one: case-data
    # permissions are asked of the backends (accounts.permissions) like anyone else's.
    def has_perm(self, perm: str, obj=None) -> bool:
        from .permissions import is_case_data

        if self.is_active and self.is_superuser and is_case_data(perm, obj):
            return _user_has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_superuser and app_label in settings.CASE_DATA_APPS:
            return _user_has_module_perms(self, app_label)
        return super().has_module_perms(app_label)


class Notification(models.Model):
    """An in-app notice for one user (alerts, things passed to them)."""

    # Indexed by notification_inbox (user first); the sweep writes many at once.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(no_db_index=["user"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")
        ]

    def __str__(self) -> str:
        return self.title


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"


class AccessLog(models.Model):
    """Who read which record, and when. Written on every view of a child's record or a contact."""

    # Each page that shows a child's record writes a row: the user and the record are each
    # indexed only at the head of the two indexes below, which serve every read by them, not
    # in an index of their own besides (two index writes fewer per row).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.BigIntegerField(null=True)
    description = models.CharField(max_length=200)
    path = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="accesslog_record"),
            models.Index(fields=["user", "-at"], name="accesslog_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.description}"


class Heartbeat(models.Model):
    """Last time a periodic process (Celery beat) proved it is alive; read by /healthz."""

    name = models.CharField(max_length=50, primary_key=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent: gave up"


class OutboundEmail(models.Model):
    """One email in the outbox: written in the sender's transaction, kept until it is sent.

    A worker sends it after commit; if the mail server or the broker is down, the task
    retries and the resend sweep re-queues it once `next_attempt_at` passes.
    """

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    purpose = models.CharField(
        max_length=50, help_text="What the email is for, e.g. notification, referrer_notice."
    )
    # Indexed with object_id (outbound_email_about), not on its own.
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the resend sweep steps in if the email is still pending (a lost task).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Read by email (id) and date: the sweep writes one history row per email it queues.
    history = HistoricalRecords(no_db_index=["content_type"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | (~Q(status=EmailStatus.SENT) & Q(sent_at__isnull=True)),
                name="outbound_email_sent_has_sent_at",
            ),
        ]
        indexes = [
            # The resend sweep reads only pending rows, oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=EmailStatus.PENDING),
                name="outbound_email_due",
            ),
            models.Index(fields=["content_type", "object_id"], name="outbound_email_about"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, so a receiving server can recognise a repeat of this row."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
        return f"<outbound-email-{self.pk}@{domain}>"


class MessagePurpose(models.TextChoices):
    NOTIFICATION = "notification", "Email copy of an in-app notification"
    REFERRER_PROFESSIONAL = "referrer_professional", "Outcome for a professional referrer"
    REFERRER_PUBLIC = "referrer_public", "Acknowledgement for a member of the public"


class MessageTemplate(models.Model):
    """The wording of an email or letter, editable by administrators.

    Subject and body use Django template syntax, rendered from a restricted context of
    plain strings (accounts/messages.py lists the placeholders each purpose may use).
    """

    purpose = models.CharField(max_length=50, choices=MessagePurpose.choices, unique=True)
    subject = models.CharField(
        max_length=200, help_text="One line. Quote the reference, never a name."
    )
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["purpose"]

    def __str__(self) -> str:
        return self.get_purpose_display()

    def clean(self) -> None:
        from .messages import validate_template

        validate_template(self.purpose, subject=self.subject, body=self.body)


class BreakGlass(models.Model):
    """An administrator's time-limited, logged permission to READ case records.

    Administrators configure the service; they hold no case-data permission. In an
    emergency (a data-subject request, a fault only visible in a record) one may break the
    glass: they give a reason, get read access to every case record until `expires_at`, and
    the MASH and team managers are told. Reads under it are logged like any other, with
    the break-glass row's id in the access log's details. Nothing here grants a write.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass access"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "-expires_at"], name="break_glass_user")]

    def __str__(self) -> str:
        return f"{self.user} from {govuk_datetime(self.started_at)}"

    def is_active_at(self, now) -> bool:
        return self.ended_at is None and self.started_at <= now < self.expires_at


class SecurityEventKind(models.TextChoices):
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up two-factor sign-in"
    TWO_FACTOR_WRONG_CODE = "two_factor_wrong_code", "Wrong two-factor code"
    TWO_FACTOR_LOCKED = "two_factor_locked", "Too many wrong two-factor codes"
    BACKUP_CODE_USED = "backup_code_used", "Signed in with a backup code"
    BACKUP_CODES_REGENERATED = "backup_codes_regenerated", "New backup codes made"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email"


class SecurityEvent(models.Model):
    """Something that happened to a user's sign-in: two-factor set up, reset, wrong codes, passwords.

    A two-factor reset names the manager or administrator who made it (`by`) and why
    (`reason`); the user's own events have `by` equal to the user. Written only by the
    services in accounts.two_factor and accounts.passwords, with history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events"
    )
    kind = models.CharField(max_length=30, choices=SecurityEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "-at"], name="security_event_user_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} at {govuk_datetime(self.at)}"


class StoredSession(AbstractBaseSession):
    """A Django database session (SESSION_ENGINE accounts.session_store), plus its key's hash.

    The hash lets one session be ended from another (the "Your sessions" page, a password
    change) through UserSession, which never holds the key itself.
    """

    key_hash = models.CharField(max_length=64, db_index=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_stored_session"

    @classmethod
    def get_session_store_class(cls):
        from .session_store import SessionStore

        return SessionStore


class SessionEndReason(models.TextChoices):
    SIGNED_OUT = "signed_out", "Signed out"
    IDLE = "idle", "Signed out after no activity"
    ABSOLUTE = "absolute", "Reached the longest a session may last"
    ENDED_ELSEWHERE = "ended_elsewhere", "Ended from another session"
    PASSWORD_CHANGED = "password_changed", "Ended when the password was changed"
    ENDED_BY_ADMINISTRATOR = "ended_by_administrator", "Ended by an administrator"


class UserSession(models.Model):
    """One signed-in session of a user: what "Your sessions" lists and can end.

    Kept after the session ends, with when and why. Holds a hash of the session key, never
    the key. `last_seen_at` is written with update() (no history): it is not a decision.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=100, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=30, choices=SessionEndReason.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["last_seen_at"])

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [
            models.Index(
                fields=["user", "-last_seen_at"],
                condition=Q(ended_at__isnull=True),
                name="user_session_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} from {govuk_datetime(self.created_at)}"


class AccountLockout(models.Model):
    """Failed sign-ins for one username (as typed, case-folded), from any address.

    The per-account limit beside axes's per-address one (accounts.lockout). Unknown
    usernames are counted and locked exactly like real ones, so a lock says nothing about
    whether an account exists. A counter, not a decision: no history (releases are recorded
    in LockoutRelease).
    """

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    last_failure_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failure_at"]
        indexes = [
            models.Index(
                fields=["locked_until"],
                condition=Q(locked_until__isnull=False),
                name="account_lockout_locked",
            )
        ]

    def __str__(self) -> str:
        return self.username


class LockoutRelease(models.Model):
    """A manager or administrator unlocked an account or an address: who, what, why, when."""

    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now)
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lockout_releases",
        help_text="The account unlocked, when the username is one.",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-released_at"]
        # add_lockoutrelease: unlock one's own team's members; unlock_any: every account and
        # every address (accounts.lockout).
        permissions = [("unlock_any", "Can unlock any account and any address")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(username="") | Q(ip_address__isnull=False),
                name="lockout_release_names_what",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username or self.ip_address} by {self.released_by}"
