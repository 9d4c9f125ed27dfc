"""Two-factor sign-in: authenticator apps (TOTP), backup codes, resets, and the gate in front of
every page for a signed-in user who still owes a code (README "Sign-in and two-factor").

django-otp holds the devices and marks a session verified (`request.user.is_verified()`,
the device's id kept in the session, so it survives Django's session-key rotation). The
services here are the only writers of devices; each writes a SecurityEvent with history.
"""

import re
from binascii import unhexlify
from collections.abc import Callable
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core.text import plural

from .audit import save_audited
from .models import SecurityEvent, SecurityEventKind, User
from .roles import Role

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
# Managers who may reset the two-factor sign-in of their own team's members. Administrators
# may reset anyone's. Nobody resets their own: that would let a stolen password replace the
# owner's authenticator app.
RESETTING_MANAGERS = (
    Role.TEAM_MANAGER,
    Role.MASH_MANAGER,
    Role.SERVICE_MANAGER,
    Role.EARLY_HELP_DUTY_MANAGER,
)
LOCKED = "You have entered too many wrong codes. Sign out and sign in again"
# Session keys.
PENDING_SECRET = "two_factor_pending_secret"
WRONG_CODES = "two_factor_wrong_codes"
NEW_BACKUP_CODES = "two_factor_new_backup_codes"


# Reading the state --------------------------------------------------------------------------


def authenticator(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    """Whether the user has set up an authenticator app (no query: a field on the user)."""
    return bool(getattr(user, "two_factor_enabled", False))


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_needed(user: User) -> bool:
    """Whether `user` must pass a code: always once they have an app; everyone when required."""
    return settings.TWO_FACTOR_REQUIRED or has_two_factor(user)


def owes_code(user) -> bool:
    """A signed-in user whose session has not yet passed the two-factor step it needs."""
    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return two_factor_needed(user)


def wrong_codes(request: HttpRequest) -> int:
    return int(request.session.get(WRONG_CODES, 0))


def code_step_locked(request: HttpRequest) -> bool:
    return wrong_codes(request) >= settings.TWO_FACTOR_MAX_WRONG_CODES


# Enrolment ----------------------------------------------------------------------------------


def pending_secret(request: HttpRequest) -> str:
    """The secret being set up in this session: made once, kept until the app is confirmed.

    Kept in the (server-side) session rather than as an unconfirmed device, so opening the
    page writes nothing and an abandoned set-up leaves no row behind.
    """
    secret = request.session.get(PENDING_SECRET)
    if not secret:
        secret = random_hex(20)
        request.session[PENDING_SECRET] = secret
    return secret


def secret_for_typing(secret: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    from base64 import b32encode

    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_link(user: User, secret: str) -> str:
    """The otpauth:// link the QR code carries."""
    return TOTPDevice(user=user, key=secret, name=AUTHENTICATOR_NAME).config_url


def qr_code_svg(link: str) -> str:
    """The link as an inline SVG QR code (no script, no style attribute, no data: URI)."""
    svg = segno.make(link, error="m").svg_inline(
        scale=5,
        dark="#0b0c0c",
        light="#ffffff",
        border=4,
        svgclass="app-qr-code",
        lineclass=None,
        omitsize=True,
    )
    # An accessible name for screen readers: the secret is given as text beside it.
    return svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code for your authenticator app" ',
        1,
    )


def _code_fits_secret(secret: str, code: str) -> int | None:
    """The time step `code` was made for, if it is right for `secret` (one step either way)."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = TOTP(unhexlify(secret))
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in sorted(codes))
    return sorted(codes)


def security_event(*, user: User, kind: str, by: User | None, reason: str = "") -> SecurityEvent:
    """Record something that happened to a user's sign-in (inside the caller's transaction)."""
    event = SecurityEvent(user=user, kind=kind, by=by, reason=reason, at=timezone.now())
    save_audited(event, user=by, reason=reason or SecurityEventKind(kind).label)
    return event


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the user's authenticator app with a code from it; returns it and new backup codes."""
    locked = _lock(user)
    if has_two_factor(locked):
        raise ValidationError("Two-factor sign-in is already set up for this account.")
    step = _code_fits_secret(secret, normalise_code(code))
    if step is None:
        raise ValidationError(
            "The code is not right: enter the 6 digits your app shows now", code="wrong_code"
        )
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just used cannot be used again to sign in.
    device = TOTPDevice.objects.create(
        user=user, key=secret, name=AUTHENTICATOR_NAME, confirmed=True, last_t=step
    )
    codes = _replace_backup_codes(user)
    locked.two_factor_enabled = True
    save_audited(
        locked, user=user, reason="Set up two-factor sign-in", update_fields=["two_factor_enabled"]
    )
    user.two_factor_enabled = True
    security_event(user=user, kind=SecurityEventKind.TWO_FACTOR_ENROLLED, by=user)
    return device, codes


@transaction.atomic
def backup_codes_regenerate(*, user: User, by: User) -> list[str]:
    """New backup codes for `user` (the old ones stop working); only the user makes their own."""
    if by.pk != user.pk:
        raise PermissionDenied
    if not has_two_factor(_lock(user)):
        raise ValidationError("Set up two-factor sign-in before making backup codes.")
    codes = _replace_backup_codes(user)
    security_event(user=user, kind=SecurityEventKind.BACKUP_CODES_REGENERATED, by=by)
    return codes


# Signing in with a code ---------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    error: str = ""
    backup_code_used: bool = False


@transaction.atomic
def two_factor_verify(*, request: HttpRequest, code: str) -> CodeCheck:
    """Check a code (6 digits from the app, or a backup code) for the signed-in user.

    Right: the session is marked verified (django_otp.login) and a backup code is spent.
    Wrong: counted in the session and recorded; after TWO_FACTOR_MAX_WRONG_CODES the code
    step is locked until the user signs in again. Each device also throttles (django-otp):
    after a wrong code the next is refused for 1, 2, 4... seconds, across sessions.
    """
    user = request.user
    if code_step_locked(request):
        return CodeCheck(False, LOCKED)
    code = normalise_code(code)
    devices = (TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice).objects
    device = devices.devices_for_user(user, confirmed=True).select_for_update().first()
    if device is not None:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(False, "Wait a few seconds, then enter the code again")
        if device.verify_token(code):
            django_otp.login(request, device)
            request.session.pop(WRONG_CODES, None)
            backup = isinstance(device, StaticDevice)
            if backup:
                left = device.token_set.count()
                security_event(
                    user=user,
                    kind=SecurityEventKind.BACKUP_CODE_USED,
                    by=user,
                    reason=f"{left} backup codes left",
                )
            return CodeCheck(True, backup_code_used=backup)
    return _wrong_code(request)


def _wrong_code(request: HttpRequest) -> CodeCheck:
    count = wrong_codes(request) + 1
    request.session[WRONG_CODES] = count
    user = request.user
    security_event(user=user, kind=SecurityEventKind.TWO_FACTOR_WRONG_CODE, by=user)
    if count >= settings.TWO_FACTOR_MAX_WRONG_CODES:
        security_event(
            user=user,
            kind=SecurityEventKind.TWO_FACTOR_LOCKED,
            by=user,
            reason=f"{plural(count, 'wrong code')} in one sign-in",
        )
        return CodeCheck(False, LOCKED)
    return CodeCheck(False, "The code is not right: check your app and enter the code it shows now")


def count_wrong_enrolment_code(request: HttpRequest) -> None:
    """A wrong code while setting up counts towards the same lock as one at sign-in."""
    _wrong_code(request)


# Resetting a lost device --------------------------------------------------------------------


def may_reset_two_factor(by: User, user: User) -> bool:
    """Administrators: anyone's; managers: their own team's members; nobody: their own."""
    if by.pk == user.pk or not by.is_active:
        return False
    if by.has_role(Role.ADMINISTRATOR):
        return True
    return (
        by.has_role(*RESETTING_MANAGERS) and by.team_id is not None and by.team_id == user.team_id
    )


def may_reset_anyones(by: User) -> bool:
    """Whether `by` resets two-factor for anybody at all (sees the page)."""
    return by.has_role(Role.ADMINISTRATOR) or (
        by.has_role(*RESETTING_MANAGERS) and by.team_id is not None
    )


def resettable_users(by: User) -> QuerySet[User]:
    users = User.objects.filter(is_active=True).exclude(pk=by.pk).select_related("team", "agency")
    if by.has_role(Role.ADMINISTRATOR):
        return users
    if may_reset_anyones(by):
        return users.filter(team_id=by.team_id)
    return users.none()


@transaction.atomic
def two_factor_reset(*, user: User, by: User, reason: str) -> SecurityEvent:
    """Remove a user's authenticator app and backup codes, so they set one up at next sign-in."""
    from .services import notify

    if not may_reset_two_factor(by, user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why the two-factor sign-in is being reset"})
    locked = _lock(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    locked.two_factor_enabled = False
    save_audited(locked, user=by, reason=reason, update_fields=["two_factor_enabled"])
    user.two_factor_enabled = False
    event = security_event(user=user, kind=SecurityEventKind.TWO_FACTOR_RESET, by=by, reason=reason)
    # Tells the owner, so a reset they did not ask for is noticed.
    notify(
        user=user,
        title="Your two-factor sign-in was reset",
        body=f"{by} reset it. You will set up your authenticator app again when you next "
        "sign in. If you did not ask for this, tell your manager.",
        url=reverse("account_security"),
    )
    return event


# The gate -----------------------------------------------------------------------------------

# Besides the two-factor pages (marked with two_factor_exempt) a user who owes a code may sign out.
EXEMPT_URL_NAMES = {"logout"}


def two_factor_exempt(view: Callable) -> Callable:
    """Mark a view as reachable by a signed-in user who has not yet passed two-factor."""
    view.two_factor_exempt = True
    return view


class TwoFactorMiddleware:
    """Sends a signed-in user who owes a code to the code page (or to set-up, if they have no
    app yet) from every page except the two-factor pages, sign-out and public pages.

    Runs after LoginRequiredMiddleware, so signed-out visitors still go to the sign-in page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None  # public: sign-in, password reset, health check
        if getattr(view_func, "two_factor_exempt", False):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        if not owes_code(request.user):
            return None
        target = "two_factor_verify" if has_two_factor(request.user) else "two_factor_enrol"
        return redirect_to_login(request.get_full_path(), reverse(target))
