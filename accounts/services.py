"""State changes for users, teams, notifications, the email outbox and the access log."""

import datetime as dt
import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.db import server_bound_cursor

from .audit import save_audited
from .messages import RenderedMessage, message_renderer, message_sources, render_message
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


@transaction.atomic
def notify_select(*, select: str, params: dict[str, Any], email: bool = True) -> int:
    """notify() for every row of a SELECT yielding user_id, title, body and url, in its order.

    Set-based, for a sweep that notifies thousands at once: one statement writes the notices
    and their history, one the outbox emails and theirs (rendered once per distinct notice),
    and one task queues their sending after commit. `select` is SQL using `params` (named,
    %(name)s; names starting with an underscore are this function's own). Returns the
    number of notices.
    """
    at = timezone.now()
    notice = _insert_with_history(
        Notification,
        columns=["user_id", "created_at", "title", "body", "url", "read_at"],
        values=f"SELECT s.user_id, %(_at)s, s.title, s.body, s.url, NULL FROM ({select}) s",  # noqa: S608
        returning="{new}.id, {new}.title, {new}.body, {new}.url, {new}.user_id",
        reason="Notification raised",
    )
    user = User._meta.db_table
    with server_bound_cursor() as cursor:
        cursor.execute(
            f"WITH {notice} SELECT n.id, n.title, n.body, n.url, u.email FROM written n "  # noqa: S608
            f"JOIN {user} u ON u.id = n.user_id",
            {**params, "_at": at, "_reason": "Notification raised"},
        )
        rows = cursor.fetchall()
    addressed = [row for row in rows if email and row[4]]
    if not addressed:
        return len(rows)
    render = message_renderer(MessagePurpose.NOTIFICATION)
    messages: dict[tuple[str, str, str], RenderedMessage] = {}
    columns: tuple[list, list, list, list] = ([], [], [], [])
    for pk, title, body, url, to in addressed:
        message = messages.get((title, body, url))
        if message is None:
            context = {
                "title": title,
                "body": body,
                "url": absolute_url(url),
                "service_name": settings.SERVICE_NAME,
            }
            message = messages[(title, body, url)] = render(context)
            _check_subject(message.subject)
        for column, value in zip(columns, (to, message.subject, message.body, pk), strict=True):
            column.append(value)
    purpose = MessagePurpose.NOTIFICATION
    email_rows = _insert_with_history(
        OutboundEmail,
        columns=["to", "subject", "body", "purpose", "content_type_id", "object_id", "status"]
        + ["attempts", "last_error", "created_at", "next_attempt_at", "sent_at"],
        values="SELECT e.to, e.subject, e.body, %(_purpose)s, %(_type)s, e.about, "
        "%(_pending)s, 0, '', %(_at)s, %(_next)s, NULL FROM unnest(%(_to)s::text[], "
        '%(_subject)s::text[], %(_body)s::text[], %(_about)s::bigint[]) e("to", subject, body, about)',
        returning="{new}.id",
        reason=f"Queued: {purpose}",
    )
    with server_bound_cursor() as cursor:
        cursor.execute(
            f"WITH {email_rows} SELECT id FROM written",  # noqa: S608
            {
                "_at": at,
                "_next": at + SWEEP_GRACE,
                "_reason": f"Queued: {purpose}",
                "_purpose": purpose.value,
                "_type": ContentType.objects.get_for_model(Notification).pk,
                "_pending": EmailStatus.PENDING.value,
                "_to": columns[0],
                "_subject": columns[1],
                "_body": columns[2],
                "_about": columns[3],
            },
        )
        _send_after_commit([row[0] for row in cursor.fetchall()])
    return len(rows)


def _insert_with_history(
    model: type[models.Model], *, columns: list[str], values: str, returning: str, reason: str
) -> str:
    """Common table expressions inserting `values` (a SELECT for `columns`) into the model's
    table and a history row for each ('+', no user, %(_reason)s at %(_at)s), ending in
    `written`, the new rows' `returning` columns."""
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [
        f.column for f in history._meta.concrete_fields if not f.column.startswith("history_")
    ]
    q = connection.ops.quote_name
    # Only names from the models' metadata and the caller's SQL are interpolated.
    return (
        f"inserted AS (INSERT INTO {q(model._meta.db_table)} ({', '.join(map(q, columns))}) "  # noqa: S608
        f"{values} RETURNING *), "
        f"_history AS (INSERT INTO {q(history._meta.db_table)} ({', '.join(map(q, tracked))}, "
        "history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join('i.' + q(c) for c in tracked)}, %(_at)s, %(_reason)s, '+', NULL "
        f"FROM inserted i), "
        f"written AS (SELECT {returning.format(new='inserted')} FROM inserted)"
    )


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
    _check_subject(subject, forbidden_names)
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


def _check_subject(subject: str, forbidden_names: Iterable[str] = ()) -> None:
    if "\n" in subject or "\r" in subject or len(subject) > 200:
        raise ValueError("An email subject must be one line of at most 200 characters.")
    if names_in(subject, forbidden_names):
        # Subjects show in inboxes, previews and mail logs: never a child's name [DOMAIN §3].
        raise ValueError("An email subject must not contain a child's name.")


def _send_after_commit(ids: list[int]) -> None:
    from .tasks import send_outbound_email, send_outbound_emails

    def enqueue() -> None:
        if len(ids) > 1:
            # One message however many emails (a sweep queues thousands): the worker fans
            # them out into one task each, so each still retries on its own.
            send_outbound_emails.delay(ids)
        else:
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
