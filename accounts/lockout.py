"""Sign-in lockouts that cannot be turned against staff (README "Sessions and lockouts").

Two separate limits, because one limit on a username+address pair let a sprayer try every
username, and behind the TLS proxy (every request from the proxy's address) let anyone lock
anyone out:

- per address, by django-axes (AXES_LOCKOUT_PARAMETERS ["ip_address"]): LOCKOUT_IP_FAILURES
  failures from one client address (accounts.client_ip: trusted proxy headers only), across
  any usernames, lock that address;
- per account, here (axes has one limit and one cool-off for all its parameters):
  LOCKOUT_ACCOUNT_FAILURES failures for one username within LOCKOUT_ACCOUNT_WINDOW_MINUTES,
  from any address, lock that username for LOCKOUT_ACCOUNT_MINUTES. Short, because a
  colleague's username is all it takes to trigger it; failures while locked do not extend it;
  a manager can unlock (lockout_release).

Unknown usernames are counted and locked exactly like real ones, and every lockout shows the
same page, so a lockout never says whether an account exists.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from .audit import save_audited
from .models import AccountLockout, LockoutRelease, User
from .roles import Role

# Managers who may unlock the accounts of their own team's members.
TEAM_UNLOCKERS = (
    Role.TEAM_MANAGER,
    Role.MASH_MANAGER,
    Role.EARLY_HELP_DUTY_MANAGER,
)


def normalise_username(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def account_locked_until(username: str | None, now: dt.datetime | None = None):
    """When the username's lock ends, or None if it is not locked."""
    name = normalise_username(username)
    if not name:
        return None
    now = now or timezone.now()
    return (
        AccountLockout.objects.filter(username=name, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )


def account_failure_record(*, username: str) -> AccountLockout | None:
    """Count one failed sign-in for `username` (whoever it is, or is not); lock at the limit."""
    name = normalise_username(username)
    if not name:
        return None
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOCKOUT_ACCOUNT_WINDOW_MINUTES)
    with transaction.atomic():
        # select_for_update: concurrent failures for one username are counted one after another.
        row, created = AccountLockout.objects.select_for_update().get_or_create(
            username=name, defaults={"window_started_at": now, "last_failure_at": now}
        )
        if not created:
            if row.locked_until is not None and row.locked_until > now:
                return row  # failures while locked neither count nor extend the lock
            lock_over = row.locked_until is not None
            if lock_over or row.window_started_at <= now - window:
                row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.LOCKOUT_ACCOUNT_FAILURES:
            row.locked_until = now + dt.timedelta(minutes=settings.LOCKOUT_ACCOUNT_MINUTES)
        row.save()
    return row


class AccountLockoutBackend:
    """Refuses a sign-in for a locked username before any password is checked.

    Sits after axes's backend in AUTHENTICATION_BACKENDS and answers the same way (axes's
    middleware turns `request.axes_locked_out` into the lockout page). No get_user: it
    signs nobody in, and force_login picks the first backend that has one.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        # Reaching here means axes let the attempt through (its lock is on the address).
        request._account_lock_checked = True
        if account_locked_until(username) is None:
            return None
        request._account_lock_refused = True
        request.axes_locked_out = True
        raise AxesBackendPermissionDenied("The account is locked")


@receiver(user_login_failed, dispatch_uid="accounts.lockout.failed")
def _failed(sender, credentials, request=None, **kwargs) -> None:
    if (
        request is None
        or not getattr(request, "_account_lock_checked", False)
        or getattr(request, "_account_lock_refused", False)
    ):
        return  # refused by a lock (axes's or ours): not a guess at the password
    row = account_failure_record(username=credentials.get("username"))
    if row is not None and row.locked_until is not None:
        request.axes_locked_out = True


@receiver(user_logged_in, dispatch_uid="accounts.lockout.signed_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    # A success ends the account's run of failures (not the address's: see AXES_RESET_ON_SUCCESS).
    AccountLockout.objects.filter(username=normalise_username(user.get_username())).exclude(
        locked_until__gt=timezone.now()
    ).delete()


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: one page for every lock, naming neither account nor address."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "minutes": max(settings.LOCKOUT_IP_MINUTES, settings.LOCKOUT_ACCOUNT_MINUTES),
        },
        status=429,
    )


# Managing lockouts -----------------------------------------------------------------------


# Held by the TEAM_UNLOCKERS roles and by those who unlock anything (accounts.roles). Asked
# first because permissions are cached per request and the navigation asks on every page.
UNLOCK = "accounts.add_lockoutrelease"


def may_manage_lockouts(user: User) -> bool:
    if not (user.is_active and (user.is_superuser or user.has_perm(UNLOCK))):
        return False
    # Every holder is a TEAM_UNLOCKERS manager (who needs a team) or unlocks anything.
    return user.team_id is not None or may_unlock_addresses(user)


UNLOCK_ANY = "accounts.unlock_any"


def may_unlock_addresses(user: User) -> bool:
    """Administrators and the service manager (accounts.roles): every account and address."""
    return user.is_active and (user.is_superuser or user.has_perm(UNLOCK_ANY))


def _account_for(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).select_related("team").first()


def may_unlock_account(by: User, username: str) -> bool:
    if may_unlock_addresses(by):
        return True
    account = _account_for(username)
    return (
        may_manage_lockouts(by)
        and account is not None
        and account.team_id is not None
        and account.team_id == by.team_id
    )


@dataclass
class AccountLock:
    lock: AccountLockout
    user: User | None


@dataclass
class AddressLock:
    ip_address: str
    failures: int
    locked_until: dt.datetime


def locked_accounts(by: User) -> list[AccountLock]:
    """Accounts locked now that `by` may unlock."""
    now = timezone.now()
    rows = AccountLockout.objects.filter(locked_until__gt=now).order_by("locked_until")
    users = {
        u.username.casefold(): u
        for u in User.objects.filter(username__in=[r.username for r in rows]).select_related("team")
    }
    found = [AccountLock(lock=r, user=users.get(r.username)) for r in rows]
    if may_unlock_addresses(by):
        return found
    return [a for a in found if a.user is not None and a.user.team_id == by.team_id]


def locked_addresses(by: User) -> list[AddressLock]:
    """Addresses axes has locked now (as axes counts them), for those who may unlock them."""
    if not may_unlock_addresses(by):
        return []
    cool_off = dt.timedelta(minutes=settings.LOCKOUT_IP_MINUTES)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOCKOUT_IP_FAILURES)
        .order_by("ip_address")
    )
    return [
        AddressLock(r["ip_address"], r["failures"], r["last"] + cool_off)
        for r in rows
        if r["ip_address"]
    ]


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why you are unlocking it, in a sentence"})
    return reason


@transaction.atomic
def lockout_release_account(*, by: User, lock: AccountLockout, reason: str) -> LockoutRelease:
    """Unlock a username now, recording who did it and why."""
    reason = _clean_reason(reason)
    if not may_unlock_account(by, lock.username):
        raise PermissionDenied
    row = AccountLockout.objects.select_for_update().filter(pk=lock.pk).first()
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        raise ValidationError("This account is no longer locked.")
    release = LockoutRelease(
        released_by=by,
        username=row.username,
        user=_account_for(row.username),
        failures=row.failures,
        reason=reason,
    )
    row.delete()
    save_audited(release, user=by, reason=reason)
    return release


@transaction.atomic
def lockout_release_address(*, by: User, ip_address: str, reason: str) -> LockoutRelease:
    """Unlock a client address now (clears axes's failures from it), recording who and why."""
    reason = _clean_reason(reason)
    if not may_unlock_addresses(by):
        raise PermissionDenied
    address = str(ipaddress.ip_address(ip_address))
    attempts = AccessAttempt.objects.select_for_update().filter(ip_address=address)
    failures = sum(a.failures_since_start for a in attempts)
    if not failures:
        raise ValidationError("This address is no longer locked.")
    attempts.delete()
    release = LockoutRelease(released_by=by, ip_address=address, failures=failures, reason=reason)
    save_audited(release, user=by, reason=reason)
    return release


def address_lock(by: User, ip_address: str) -> AddressLock | None:
    return next((a for a in locked_addresses(by) if a.ip_address == ip_address), None)
