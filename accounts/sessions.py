"""Sessions that end: idle timeout, absolute lifetime, and a record of each signed-in session.

- SessionTimeoutMiddleware ends a session idle longer than SESSION_IDLE_MINUTES or older than
  SESSION_ABSOLUTE_HOURS, whatever the browser does; requests marked as background
  (X-Background-Request, the session status check, htmx polling) are not activity.
- Signing in records a UserSession (user_logged_in); signing out ends it (user_logged_out).
- `session_end` and `sessions_end_others` end a session from elsewhere: the StoredSession row
  goes, so that browser is signed out on its next request.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from .audit import save_audited
from .client_ip import client_ip
from .models import SessionEndReason, StoredSession, User, UserSession
from .session_store import hash_session_key

# Unix timestamps in the session (JSON-serialisable, and cheap to compare).
SIGNED_IN_AT = "_signed_in_at"
LAST_ACTIVITY_AT = "_last_activity_at"
BACKGROUND_HEADER = "X-Background-Request"
LAST_SEEN_AT = "_last_seen_at"
# The idle clock is moved on at most this often (seconds), and the last-seen time on "Your
# sessions" at most once a minute.
ACTIVITY_EVERY = 15.0
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


def idle_seconds() -> float:
    return settings.SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> float:
    return settings.SESSION_ABSOLUTE_HOURS * 3600


def signed_out_notice(reason: str) -> str:
    """What the sign-in page says after the service ended a session."""
    if reason == SessionEndReason.IDLE:
        minutes = settings.SESSION_IDLE_MINUTES
        span = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        return f"You were signed out after {span} without activity. Sign in again to continue."
    if reason == SessionEndReason.ABSOLUTE:
        hours = settings.SESSION_ABSOLUTE_HOURS
        span = f"{hours:g} hour{'s' if hours != 1 else ''}"
        return f"You were signed out because you signed in more than {span} ago. Sign in again."
    return ""


def summarise_user_agent(agent: str) -> str:
    """ "Firefox on Windows": enough to recognise a device, no more."""
    browsers = [
        ("Edge", r"Edg/"),
        ("Opera", r"OPR/"),
        ("Firefox", r"Firefox/"),
        ("Chrome", r"Chrom(e|ium)/"),
        ("Safari", r"Safari/"),
    ]
    systems = [
        ("iPhone or iPad", r"iPhone|iPad"),
        ("Android", r"Android"),
        ("Windows", r"Windows"),
        ("macOS", r"Mac OS X|Macintosh"),
        ("ChromeOS", r"CrOS"),
        ("Linux", r"Linux"),
    ]
    browser = next((name for name, pat in browsers if re.search(pat, agent)), "")
    system = next((name for name, pat in systems if re.search(pat, agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def seconds_left(request: HttpRequest, now: float | None = None) -> dict:
    """How long the request's session has left, idle and absolute (for the timeout warning)."""
    now = time.time() if now is None else now
    session = request.session
    idle_left = session.get(LAST_ACTIVITY_AT, now) + idle_seconds() - now
    absolute_left = session.get(SIGNED_IN_AT, now) + absolute_seconds() - now
    return {
        "signed_in": True,
        "seconds_left": max(0, int(min(idle_left, absolute_left))),
        "idle_seconds_left": max(0, int(idle_left)),
        "absolute_seconds_left": max(0, int(absolute_left)),
        # Staying active cannot push the end past the absolute lifetime.
        "extendable": idle_left < absolute_left,
    }


def _current_key_hash(request: HttpRequest) -> str | None:
    key = request.session.session_key
    return hash_session_key(key) if key else None


def user_session_for(request: HttpRequest) -> UserSession | None:
    key_hash = _current_key_hash(request)
    if key_hash is None:
        return None
    return UserSession.objects.filter(key_hash=key_hash).first()


def _record_start(request: HttpRequest, user: User) -> UserSession | None:
    key_hash = _current_key_hash(request)
    if key_hash is None:
        return None
    existing = UserSession.objects.filter(key_hash=key_hash).first()
    if existing is not None:
        return existing
    now = timezone.now()
    record = UserSession(
        key_hash=key_hash,
        user=user,
        created_at=now,
        last_seen_at=now,
        ip_address=client_ip(request),
        user_agent=summarise_user_agent(request.META.get("HTTP_USER_AGENT", ""))[:100],
    )
    save_audited(record, user=user, reason="Signed in")
    return record


@receiver(user_logged_in, dispatch_uid="accounts.sessions.signed_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY_AT] = now
    request.session[LAST_SEEN_AT] = now
    # login() has already rotated the key (cycle_key), so this records the new session.
    _record_start(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.sessions.signed_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if request is None or user is None:
        return
    key_hash = _current_key_hash(request)
    if key_hash is None:
        return
    reason = getattr(request, "_session_end_reason", SessionEndReason.SIGNED_OUT)
    _mark_ended(key_hash=key_hash, by=user, reason=reason)


def _mark_ended(*, key_hash: str, by: User | None, reason: str) -> UserSession | None:
    with transaction.atomic():
        record = UserSession.objects.select_for_update().filter(key_hash=key_hash).first()
        if record is None or record.ended_at is not None:
            return record
        record.ended_at = timezone.now()
        record.ended_reason = reason
        record.ended_by = by
        save_audited(record, user=by, reason=SessionEndReason(reason).label)
        return record


def open_sessions(user: User):
    """The user's sessions that are still signed in (their session row alive, not idle)."""
    now = timezone.now()
    alive = StoredSession.objects.filter(expire_date__gt=now).values("key_hash")
    return UserSession.objects.filter(
        user=user,
        ended_at__isnull=True,
        key_hash__in=alive,
        last_seen_at__gt=now - dt.timedelta(seconds=idle_seconds()),
        created_at__gt=now - dt.timedelta(seconds=absolute_seconds()),
    ).order_by("-last_seen_at")


def _may_end_sessions_of(by: User, user: User) -> bool:
    # Your own; or an administrator's (who manages accounts) for a reset or a departure.
    return by.pk == user.pk or (by.is_active and by.has_perm("accounts.change_user"))


@transaction.atomic
def session_end(*, user_session: UserSession, by: User, reason: str) -> None:
    """End one signed-in session: its browser is signed out on its next request."""
    if not _may_end_sessions_of(by, user_session.user):
        raise PermissionDenied
    record = UserSession.objects.select_for_update().get(pk=user_session.pk)
    StoredSession.objects.filter(key_hash=record.key_hash).delete()
    _mark_ended(key_hash=record.key_hash, by=by, reason=reason)


@transaction.atomic
def sessions_end_others(
    *, user: User, keep_session_key: str | None, reason: str, by: User | None = None
) -> int:
    """End every session of `user` except the one with `keep_session_key`; how many ended.

    For "sign out everywhere else" and for a password change (reason
    SessionEndReason.PASSWORD_CHANGED, keep_session_key=request.session.session_key); with
    keep_session_key=None every session ends. `by` defaults to `user`.
    """
    by = by or user
    if not _may_end_sessions_of(by, user):
        raise PermissionDenied
    keep = hash_session_key(keep_session_key) if keep_session_key else ""
    # Lock the user's row: two "sign out everywhere else" clicks end each session once.
    User.objects.select_for_update().get(pk=user.pk)
    records = list(
        UserSession.objects.select_for_update()
        .filter(user=user, ended_at__isnull=True)
        .exclude(key_hash=keep)
    )
    StoredSession.objects.filter(key_hash__in=[r.key_hash for r in records]).delete()
    for record in records:
        _mark_ended(key_hash=record.key_hash, by=by, reason=reason)
    return len(records)


def is_background(request: HttpRequest) -> bool:
    """A request the browser made by itself (polling, the timeout check): not activity."""
    return bool(request.headers.get(BACKGROUND_HEADER)) or request.path == reverse("session_status")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def sign_in_url(reason: str, next_path: str | None = None) -> str:
    query = {"signed_out": reason}
    if next_path:
        query["next"] = next_path
    return f"{reverse('login')}?{urlencode(query)}"


def _signed_out_response(request: HttpRequest, reason: str) -> HttpResponse:
    next_path = request.get_full_path() if request.method == "GET" else request.path
    url = sign_in_url(reason, next_path if not is_background(request) else None)
    if _wants_json(request):
        return JsonResponse({"signed_in": False, "reason": reason, "sign_in_url": url}, status=401)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def session_end_current(request: HttpRequest, *, reason: str) -> None:
    """End the request's own session server-side (flushed, recorded with `reason`)."""
    request._session_end_reason = reason
    logout(request)


def touch(request: HttpRequest, now: float, *, force: bool = False) -> None:
    """Record activity: resets the idle clock, and now and then the last-seen time.

    A burst of requests writes the session once (every ACTIVITY_EVERY seconds at most), so a
    page and its htmx parts cost no extra queries; "Stay signed in" forces the write.
    """
    session = request.session
    every = min(ACTIVITY_EVERY, idle_seconds() / 20)
    if force or now - session.get(LAST_ACTIVITY_AT, 0) >= every:
        session[LAST_ACTIVITY_AT] = now
    if now - session.get(LAST_SEEN_AT, 0) < LAST_SEEN_EVERY.total_seconds():
        return
    session[LAST_SEEN_AT] = now
    key_hash = _current_key_hash(request)
    if key_hash is not None:
        UserSession.objects.filter(key_hash=key_hash, ended_at__isnull=True).update(
            last_seen_at=timezone.now()
        )


class SessionTimeoutMiddleware:
    """End idle and over-age sessions server-side; count only the user's own requests as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._enforce(request, user)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _enforce(self, request: HttpRequest, user: User) -> HttpResponse | None:
        now = time.time()
        session = request.session
        if SIGNED_IN_AT not in session:
            # A session from before these rules (or force_login in tests): its clocks start now.
            session[SIGNED_IN_AT] = now
            session[LAST_ACTIVITY_AT] = now
            if user_session_for(request) is None and session.session_key:
                _record_start(request, user)
            return None
        if now - session.get(LAST_ACTIVITY_AT, now) >= idle_seconds():
            reason = SessionEndReason.IDLE
        elif now - session[SIGNED_IN_AT] >= absolute_seconds():
            reason = SessionEndReason.ABSOLUTE
        else:
            if not is_background(request):
                touch(request, now)
            return None
        session_end_current(request, reason=reason)
        if request.path == reverse("login"):
            # The timeout warning sends the browser here when time runs out: show the page.
            return None
        return _signed_out_response(request, reason)


def sessions_clear_expired() -> int:
    """Beat: end on the server every session that ended without a request; how many ended.

    A session idle past SESSION_IDLE_MINUTES, or older than SESSION_ABSOLUTE_HOURS, is ended by
    the middleware only when its browser comes back. This deletes such sessions' rows, and
    rows past their cookie's expiry (Django's `clearsessions`), and closes their records, so
    "Your sessions" and the session table hold only live sessions.
    """
    now = timezone.now()
    idle_before = now - dt.timedelta(seconds=idle_seconds())
    old_before = now - dt.timedelta(seconds=absolute_seconds())
    alive = StoredSession.objects.filter(expire_date__gt=now).values("key_hash")
    stale = (
        UserSession.objects.filter(ended_at__isnull=True)
        .filter(
            Q(last_seen_at__lte=idle_before)
            | Q(created_at__lte=old_before)
            | ~Q(key_hash__in=alive)
        )
        .values_list("key_hash", "created_at")
    )
    ended = 0
    for key_hash, created_at in stale.iterator():
        StoredSession.objects.filter(key_hash=key_hash).delete()
        reason = SessionEndReason.ABSOLUTE if created_at <= old_before else SessionEndReason.IDLE
        if _mark_ended(key_hash=key_hash, by=None, reason=reason) is not None:
            ended += 1
    StoredSession.objects.filter(expire_date__lte=now).delete()
    return ended
