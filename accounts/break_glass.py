"""Break glass: an administrator's explicit, time-limited, logged permission to read case records.

accounts.permissions.BreakGlassBackend grants case-data READ permissions while one is
active; nothing grants a write. Starting one tells every MASH manager and team manager.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.templatetags.govuk import govuk_time

from .audit import save_audited
from .models import BreakGlass, User
from .roles import Role
from .selectors import users_with_role
from .services import notify

_CACHE = "_break_glass_cache"


def may_break_glass(user: User) -> bool:
    """Administrators (the role, or a Django superuser) may; nobody else needs to."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))
    )


def active_break_glass(user: User) -> BreakGlass | None:
    """The user's break glass in force now, read once per user object (one request)."""
    if not hasattr(user, _CACHE):
        now = timezone.now()
        glass = (
            BreakGlass.objects.filter(
                user_id=user.pk, ended_at__isnull=True, started_at__lte=now, expires_at__gt=now
            )
            .order_by("-expires_at")
            .first()
            if user.pk and may_break_glass(user)
            else None
        )
        setattr(user, _CACHE, glass)
    return getattr(user, _CACHE)


def _forget(user: User) -> None:
    for name in (_CACHE, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


@transaction.atomic
def break_glass_start(*, user: User, reason: str, minutes: int | None = None) -> BreakGlass:
    """Give an administrator read access to case records for a limited time, and say so."""
    reason = reason.strip()
    if not may_break_glass(user):
        raise ValidationError("Only an administrator can break the glass.")
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why you need to read case records"})
    minutes = minutes or settings.BREAK_GLASS_MINUTES
    # Lock the user's row so two clicks cannot start two overlapping break glasses.
    User.objects.select_for_update().get(pk=user.pk)
    _forget(user)
    current = active_break_glass(user)
    if current is not None:
        raise ValidationError(
            f"You already have break-glass access until "
            f"{govuk_time(timezone.localtime(current.expires_at))}."
        )
    now = timezone.now()
    glass = BreakGlass(
        user=user, reason=reason, started_at=now, expires_at=now + dt.timedelta(minutes=minutes)
    )
    save_audited(glass, user=user, reason="Break glass started")
    managers = (users_with_role(Role.MASH_MANAGER) | users_with_role(Role.TEAM_MANAGER)).distinct()
    until = timezone.localtime(glass.expires_at)
    for manager in managers:
        notify(
            user=manager,
            title=f"{user} broke the glass to read case records until {govuk_time(until)}",
            body=f"Reason given: {reason}\nEvery record they read is in the access log.",
            url=reverse("admin:accounts_breakglass_change", args=[glass.pk]),
        )
    _forget(user)
    return glass


@transaction.atomic
def break_glass_end(*, glass: BreakGlass, by: User) -> None:
    """End a break glass before it expires (its holder, once done)."""
    glass = BreakGlass.objects.select_for_update().get(pk=glass.pk)
    if glass.ended_at is None:
        glass.ended_at = timezone.now()
        save_audited(glass, user=by, reason="Break glass ended")
    _forget(by)
