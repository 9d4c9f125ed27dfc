"""State changes for users, teams, notifications and the access log."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .audit import save_audited
from .models import (
    AccessAction,
    AccessLog,
    AgencyKind,
    Heartbeat,
    Notification,
    PartnerAgency,
    Team,
    TeamKind,
    User,
)
from .roles import Role


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
        is_staff=Role.ADMINISTRATOR in roles,
        is_superuser=Role.ADMINISTRATOR in roles,
    )
    user.set_password(password)
    save_audited(user, user=by, reason=reason)
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
    if agency is not None and Role.PARTNER_AGENCY_USER in roles:
        user.groups.add(agency_group(agency=agency, by=by))
    user_set_team(user=user, team=team, by=by, reason=reason)
    return user


def notify(
    *, user: User, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Give `user` an in-app notice and, after commit, an email. Titles must never name a child."""
    notice = Notification(user=user, title=title, body=body, url=url)
    save_audited(notice, user=None, reason="Notification raised")
    if email and user.email:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notice.pk))
    return notice


def notification_mark_read(*, notification: Notification, by: User) -> None:
    """Mark one of the user's notices as read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        save_audited(notification, user=by, reason="Notification read")


def notification_mark_emailed(*, notification: Notification) -> bool:
    """Record that a notice's email went; False if it had already gone (so it is sent once)."""
    updated = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return bool(updated)


def access_record(
    *,
    user: User,
    obj: models.Model | None,
    description: str,
    action: AccessAction = AccessAction.VIEW,
    path: str = "",
    details: dict | None = None,
) -> AccessLog:
    """Record that `user` read `obj` (or searched); the access log is append-only."""
    return AccessLog.objects.create(
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
