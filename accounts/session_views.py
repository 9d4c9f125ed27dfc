"""Pages for sessions (yours, the timeout warning's checks) and for lockouts (managers)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import lockout, sessions
from .forms import UnlockForm
from .models import AccountLockout, LockoutRelease, SessionEndReason, UserSession


def _not_signed_in() -> JsonResponse:
    return JsonResponse(
        {"signed_in": False, "sign_in_url": sessions.sign_in_url(SessionEndReason.IDLE)},
        status=401,
    )


@login_not_required
@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left. Not activity: asking does not extend it."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    return JsonResponse(sessions.seconds_left(request))


@login_not_required
@never_cache
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the middleware has counted this request as activity; say until when."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    return JsonResponse(sessions.seconds_left(request))


def session_list(request: HttpRequest) -> HttpResponse:
    """Your own signed-in sessions, this one marked; end any other."""
    current = sessions.user_session_for(request)
    others = [
        s for s in sessions.open_sessions(request.user) if current is None or s.pk != current.pk
    ]
    return render(
        request,
        "accounts/session_list.html",
        {
            "sessions": ([current] if current is not None else []) + others,
            "current": current,
            "others": others,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
        },
    )


@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's session is not found, not forbidden: its existence is theirs alone.
    record = get_object_or_404(UserSession, pk=pk, user=request.user, ended_at__isnull=True)
    current = sessions.user_session_for(request)
    if current is not None and current.pk == record.pk:
        return redirect("session_list")  # this one ends by signing out
    sessions.session_end(
        user_session=record, by=request.user, reason=SessionEndReason.ENDED_ELSEWHERE
    )
    messages.success(request, f"You signed out {record.user_agent or 'that session'}.")
    return redirect("session_list")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = sessions.sessions_end_others(
        user=request.user,
        keep_session_key=request.session.session_key,
        reason=SessionEndReason.ENDED_ELSEWHERE,
    )
    messages.success(
        request,
        f"You signed out everywhere else ({count} session{'s' if count != 1 else ''})."
        if count
        else "You were not signed in anywhere else.",
    )
    return redirect("session_list")


def _require_lockout_manager(request: HttpRequest) -> None:
    if not lockout.may_manage_lockouts(request.user):
        raise PermissionDenied


def lockout_list(request: HttpRequest) -> HttpResponse:
    """Current lockouts the user may release, and the releases made recently."""
    _require_lockout_manager(request)
    releases = LockoutRelease.objects.select_related("released_by", "user")
    if not lockout.may_unlock_addresses(request.user):
        releases = releases.filter(user__team_id=request.user.team_id)
    return render(
        request,
        "accounts/lockouts.html",
        {
            "accounts": lockout.locked_accounts(request.user),
            "addresses": lockout.locked_addresses(request.user),
            "may_unlock_addresses": lockout.may_unlock_addresses(request.user),
            "releases": releases[:20],
            "settings": {
                "ip_failures": settings.LOCKOUT_IP_FAILURES,
                "ip_minutes": settings.LOCKOUT_IP_MINUTES,
                "account_failures": settings.LOCKOUT_ACCOUNT_FAILURES,
                "account_window": settings.LOCKOUT_ACCOUNT_WINDOW_MINUTES,
                "account_minutes": settings.LOCKOUT_ACCOUNT_MINUTES,
            },
        },
    )


def _unlock_page(request, *, what: str, release, context: dict) -> HttpResponse:
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            release(reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason" if hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, f"You unlocked {what}.")
            return redirect("lockout_list")
    return render(request, "accounts/lockout_unlock.html", {"form": form, "what": what, **context})


def lockout_unlock_account(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lockout_manager(request)
    lock = AccountLockout.objects.filter(pk=pk, locked_until__gt=timezone.now()).first()
    # A lock the user may not release is not found: it names someone outside their team.
    if lock is None or not lockout.may_unlock_account(request.user, lock.username):
        raise Http404
    return _unlock_page(
        request,
        what=f"the account {lock.username}",
        release=lambda reason: lockout.lockout_release_account(
            by=request.user, lock=lock, reason=reason
        ),
        context={"lock": lock},
    )


def lockout_unlock_address(request: HttpRequest, address: str) -> HttpResponse:
    _require_lockout_manager(request)
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        raise Http404 from None
    lock = lockout.address_lock(request.user, address)
    if lock is None:
        raise Http404
    return _unlock_page(
        request,
        what=f"the address {address}",
        release=lambda reason: lockout.lockout_release_address(
            by=request.user, ip_address=address, reason=reason
        ),
        context={"address_lock": lock},
    )
