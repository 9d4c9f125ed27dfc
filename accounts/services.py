"""State changes for users, teams, notifications, the email outbox and the access log."""

import datetime as dt
import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .audit import save_audited
from .messages import message_sources, render_message
from .models import (
    AccessAction,
    AccessLog,
    AgencyKind,
    EmailStatus,
    Heartbeat,
    MessagePurpose,
    Notification,
    OutboundEmail,
    PartnerAgency,
    Team,
    TeamKind,
    User,
)
from .roles import Role

logger = logging.getLogger(__name__)


@transaction.atomic
def team_create(
    *, name: str, kind: TeamKind | str, duty_email: str = "", by: User | None, reason: str
) -> Team:
    """Create a team with the auth group its members share object permissions through."""
    group, _ = Group.objects.get_or_create(name=f"team:{name}")
    team = Team(name=name, kind=kind, duty_email=duty_email, group=group)
    save_audited(team, user=by, reason=reason)
    return team


@transaction.atomic
def agency_create(
    *, name: str, kind: AgencyKind | str, secure_email: str = "", by: User | None, reason: str
) -> PartnerAgency:
    """Create a partner agency with the auth group its staff share object permissions through."""
    group, _ = Group.objects.get_or_create(name=f"agency:{name}")
    agency = PartnerAgency(name=name, kind=kind, secure_email=secure_email, group=group)
    save_audited(agency, user=by, reason=reason)
    return agency


def agency_group(*, agency: PartnerAgency, by: User | None = None) -> Group:
    """The agency's group, created if the agency was written without one (profile data)."""
    if agency.group_id is None:
        agency.group, _ = Group.objects.get_or_create(name=f"agency:{agency.name}")
        save_audited(agency, user=by, reason="Agency group created")
    return agency.group


@transaction.atomic
def user_set_team(*, user: User, team: Team | None, by: User | None, reason: str) -> None:
    """Move a user into a team (or none), keeping team-group membership in step."""
    team_groups = Group.objects.filter(team__isnull=False)
    user.groups.remove(*team_groups)
    if team is not None:
        user.groups.add(team.group)
    user.team = team
    save_audited(user, user=by, reason=reason)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: list[Role],
    team: Team | None = None,
    agency: PartnerAgency | None = None,
    job_title: str = "",
    by: User | None,
    reason: str,
) -> User:
    """Create a user with roles (groups), a team and, for partners, an agency."""
    if Role.PARTNER_AGENCY_USER in roles and agency is None:
        raise ValueError("A partner agency user needs an agency.")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        job_title=job_title,
        # Administrators use the Django admin; they are not superusers, and even a
        # superuser reads no case record without a break glass (accounts.permissions).
        is_staff=Role.ADMINISTRATOR in roles,
    )
    user.set_password(password)
    save_audited(user, user=by, reason=reason)
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
    if agency is not None and Role.PARTNER_AGENCY_USER in roles:
        user.groups.add(agency_group(agency=agency, by=by))
    user_set_team(user=user, team=team, by=by, reason=reason)
    return user


def absolute_url(path: str) -> str:
    """A link for an email: the site's address in front of a path (left as it is if absolute)."""
    if not path or "://" in path:
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def notify(
    *, user: User, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Give `user` an in-app notice and, through the outbox, an email. Titles must never name a child."""
    return notify_many(notices=[Notice(user=user, title=title, body=body, url=url, email=email)])[0]


@dataclass(frozen=True)
class Notice:
    """One notice for notify_many: what notify() takes."""

    user: User
    title: str
    body: str = ""
    url: str = ""
    email: bool = True


@transaction.atomic
def notify_many(*, notices: Sequence[Notice]) -> list[Notification]:
    """notify() for many notices in a fixed number of queries, whatever their number."""
    if not notices:
        return []
    rows = []
    for n in notices:
        row = Notification(user=n.user, title=n.title, body=n.body, url=n.url)
        row._history_user, row._change_reason = None, "Notification raised"
        rows.append(row)
    rows = bulk_create_with_history(rows, Notification)
    sources = message_sources(MessagePurpose.NOTIFICATION)
    emails = []
    for n, row in zip(notices, rows, strict=True):
        if not (n.email and n.user.email):
            continue
        context = {
            "title": n.title,
            "body": n.body,
            "url": absolute_url(n.url),
            "service_name": settings.SERVICE_NAME,
        }
        message = render_message(MessagePurpose.NOTIFICATION, context, sources=sources)
        emails.append(
            _outbound(
                to=n.user.email,
                subject=message.subject,
                body=message.body,
                purpose=MessagePurpose.NOTIFICATION,
                about=row,
            )
        )
    if emails:
        emails = bulk_create_with_history(
            emails, OutboundEmail, default_change_reason=f"Queued: {MessagePurpose.NOTIFICATION}"
        )
        _send_after_commit([e.pk for e in emails])
    return rows


def notification_mark_read(*, notification: Notification, by: User) -> None:
    """Mark one of the user's notices as read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        save_audited(notification, user=by, reason="Notification read")


# The email outbox --------------------------------------------------------------------------

# Attempts before an email is marked failed: with the back-off capped at an hour, about a
# day of the mail server being down. An administrator can resend a failed email.
MAX_ATTEMPTS = 30
# How long after its planned attempt a pending email waits before the sweep re-queues it.
SWEEP_GRACE = dt.timedelta(minutes=1)


class EmailNotSent(Exception):
    """The mail server did not take the email; the task retries after `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The words of these names that appear in `text` as whole words, ignoring case."""
    found: list[str] = []
    for name in names:
        for part in re.split(r"[\s\-]+", name or ""):
            part = part.strip(".,;:'\"()")
            if len(part) < 2 or part.lower() in (f.lower() for f in found):
                continue
            if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE):
                found.append(part)
    return found


@transaction.atomic
def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    about: models.Model | None = None,
    forbidden_names: Iterable[str] = (),
) -> OutboundEmail:
    """Put an email in the outbox and send it after commit; refuse a subject naming a child."""
    email = _outbound(
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        about=about,
        forbidden_names=forbidden_names,
    )
    save_audited(email, user=None, reason=f"Queued: {purpose}")
    _send_after_commit([email.pk])
    return email


def _outbound(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    about: models.Model | None = None,
    forbidden_names: Iterable[str] = (),
) -> OutboundEmail:
    """An unsaved outbox row, its subject checked."""
    if "\n" in subject or "\r" in subject or len(subject) > 200:
        raise ValueError("An email subject must be one line of at most 200 characters.")
    if names_in(subject, forbidden_names):
        # Subjects show in inboxes, previews and mail logs: never a child's name [DOMAIN §3].
        raise ValueError("An email subject must not contain a child's name.")
    now = timezone.now()
    return OutboundEmail(
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
        created_at=now,
        next_attempt_at=now + SWEEP_GRACE,
    )


def _send_after_commit(ids: list[int]) -> None:
    from .tasks import send_outbound_email

    def enqueue() -> None:
        for pk in ids:
            send_outbound_email.delay(pk)

    # robust: with the broker down the row is safe in the outbox and the sweep sends it
    # later; the request that queued it must not fail after its commit.
    transaction.on_commit(enqueue, robust=True)


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one pending email exactly once; on a refusal record it and raise EmailNotSent.

    Returns None when there is nothing (more) to do: the email went already, was given up
    on, or another worker holds it right now.
    """
    retry_in = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.PENDING)
            .first()
        )
        if email is None:
            return None
        message = EmailMessage(
            email.subject,
            email.body,
            settings.DEFAULT_FROM_EMAIL,
            [email.to],
            headers={"Message-ID": email.message_id},
        )
        email.attempts += 1
        now = timezone.now()
        try:
            # The row stays locked while the server talks, so no other worker sends it too.
            message.send()
        except (OSError, smtplib.SMTPException) as exc:
            # The server is down or refused for now: try again later.
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status, email.next_attempt_at = EmailStatus.FAILED, None
                reason = f"Not sent after {email.attempts} attempts: {email.last_error}"
            else:
                delay = retry_delay(email.attempts)
                email.next_attempt_at = now + delay + SWEEP_GRACE
                retry_in = int(delay.total_seconds())
                reason = f"Attempt {email.attempts} failed: {email.last_error}"
            logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, exc)
        except Exception as exc:
            # Not the server's fault (a malformed address or header): retrying cannot help.
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.status, email.next_attempt_at = EmailStatus.FAILED, None
            reason = f"Cannot be sent: {email.last_error}"
            logger.exception("Email %s cannot be sent", email.pk)
        else:
            email.status, email.sent_at, email.next_attempt_at = EmailStatus.SENT, now, None
            reason = f"Sent (attempt {email.attempts})"
        save_audited(email, user=None, reason=reason)
    if retry_in is not None:
        raise EmailNotSent(email.last_error, retry_in=retry_in)
    return email if email.status == EmailStatus.SENT else None


def email_resend_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Re-queue pending emails whose next attempt is overdue (a task lost with the broker or a
    worker); idempotent, since sending checks and locks the row."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:limit]
        )
        for email in due:
            email.next_attempt_at = now + retry_delay(email.attempts + 1) + SWEEP_GRACE
            save_audited(email, user=None, reason="Re-queued by the resend sweep")
        _send_after_commit([email.pk for email in due])
    return [email.pk for email in due]


@transaction.atomic
def email_resend(*, email: OutboundEmail, by: User) -> bool:
    """Send a failed email again (an administrator's decision); False if it is not failed."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != EmailStatus.FAILED:
        return False
    email.status, email.attempts, email.next_attempt_at = (
        EmailStatus.PENDING,
        0,
        timezone.now() + SWEEP_GRACE,
    )
    save_audited(email, user=by, reason="Resent by an administrator")
    _send_after_commit([email.pk])
    return True


def access_record(
    *,
    user: User,
    obj: models.Model | None,
    description: str,
    action: AccessAction = AccessAction.VIEW,
    path: str = "",
    details: dict | None = None,
) -> None:
    """Record that `user` read `obj` (or searched); the access log is append-only.

    Inside a request the entry joins the request's read log (accounts.reads), written in one
    query when the response is ready; elsewhere (a task, a command) it is written now.
    """
    from .reads import current

    log = current()
    if log is not None:
        log.note(
            obj, description=description, action=action, path=path, details=details, explicit=True
        )
        return
    AccessLog.objects.create(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        description=description[:200],
        path=path[:300],
        details=details or {},
    )


def heartbeat_record(*, name: str) -> None:
    """Note that a periodic process is alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": timezone.now()})
