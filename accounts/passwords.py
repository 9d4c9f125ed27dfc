"""Passwords: the offline breached/common-password checks, changing one's own, and reset by email.

What the checks cover (README "Passwords"):
- BreachedPasswordValidator: Django's list (20,000 from breach corpora) and zxcvbn's list of
  the 30,000 most common passwords from public breaches (the zxcvbn package, bundled: no
  network), checked as typed and with digits, symbols and l33t spellings around it removed,
  so "P@ssw0rd2026!" is refused as "password".
- ServiceWordsValidator: passwords made only of this service's own words (council names,
  "children", "safeguarding", "mash", "password"...), months and seasons, keyboard walks
  ("qwerty", "1qaz") and runs of one character, padded with digits and symbols.
"""

import functools
import re

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import SecurityEventKind, User

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def _letters(password: str) -> str:
    """The password lower-cased, l33t undone, with digits and symbols around it removed."""
    text = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)
    return re.sub(r"[\W_]+", "", core.translate(_LEET)).strip()


@functools.cache
def breached_passwords() -> frozenset[str]:
    """Django's common-password list and zxcvbn's breached-password list, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    django_list = CommonPasswordValidator().passwords
    return frozenset(django_list) | frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


class BreachedPasswordValidator:
    """Refuse passwords found in public breach lists, also once dressed up with digits and l33t."""

    def validate(self, password: str, user=None) -> None:
        known = breached_passwords()
        lowered = password.lower().strip()
        if lowered in known or _letters(password) in known:
            raise ValidationError(
                "This password has appeared in lists of breached passwords: choose another",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be one that has appeared in lists of breached passwords."


# The service's own words: what a member of staff reaches for when told to pick a password.
SERVICE_WORDS = {
    "password", "passw0rd", "contact", "service", "children", "child", "families", "family",
    "safeguarding", "safeguard", "mash", "council", "social", "worker", "work", "care",
    "early", "help", "team", "manager", "admin", "administrator", "welcome", "letmein",
    "london", "borough", "camden", "havering", "islington", "police", "health", "school",
    "referral", "referrals", "cin", "protection", "secure", "login", "signin", "changeme",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "spring", "summer", "autumn", "winter", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"]
# Columns walked down the keyboard (1qaz, 2wsx...) after digits are dropped: qaz, wsx...
_KEYBOARD_COLUMNS = ["qaz", "wsx", "edc", "rfv", "tgb", "yhn", "ujm", "ik", "ol"]


@functools.cache
def _keyboard_walks() -> frozenset[str]:
    walks = set(_KEYBOARD_COLUMNS)
    for row in _KEYBOARD_ROWS:
        for text in (row, row[::-1]):
            walks.update(text[i:j] for i in range(len(text)) for j in range(i + 3, len(text) + 1))
    return frozenset(walks)


def _council_words() -> set[str]:
    from django.apps import apps

    try:
        profile = apps.get_model("thresholds", "CouncilProfile")
        names = profile.objects.values_list("name", flat=True)
        return {w for name in names for w in re.findall(r"[a-z]{4,}", name.lower())}
    except Exception:  # noqa: BLE001 - no table yet (migrations): the fixed words still apply
        return set()


class ServiceWordsValidator:
    """Refuse a password made only of the service's words, keyboard walks, digits and symbols."""

    # Letters left after taking those away: fewer than this and the password is refused.
    MIN_OWN_LETTERS = 4

    def validate(self, password: str, user=None) -> None:
        if len(set(password.lower())) < 5:
            raise ValidationError(
                "Your password repeats too few different characters: choose another",
                code="password_repetitive",
            )
        words = sorted(SERVICE_WORDS | _council_words() | _keyboard_walks(), key=len, reverse=True)
        # Read with digits and symbols dropped ("Camden2026!") and with l33t undone ("C@md3n").
        readings = {re.sub(r"[\W\d_]+", "", password.lower()), _letters(password)}
        rests = []
        for rest in readings:
            for word in words:
                rest = rest.replace(word, "")
            rests.append(rest)
        if min(len(rest) for rest in rests) < self.MIN_OWN_LETTERS:
            raise ValidationError(
                "Your password is made of words anyone would guess here (such as the council's "
                "name, ‘children’ or ‘password’), a keyboard pattern or a date: choose another",
                code="password_service_words",
            )

    def get_help_text(self) -> str:
        return (
            "Your password cannot be made of the council's name, words like ‘children’ or "
            "‘password’, keyboard patterns or dates."
        )


# Changing and resetting -----------------------------------------------------------------


def _password_event(*, user: User, kind: str, reason: str) -> None:
    from .two_factor import security_event

    security_event(user=user, kind=kind, by=user, reason=reason)


@transaction.atomic
def password_change(
    *,
    request: HttpRequest,
    user: User,
    current: str,
    new: str,
    reason: str = "Changed their password",
) -> None:
    """The signed-in user changes their own password; this session stays signed in (and verified)."""
    if request.user.pk != user.pk:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current):
        raise ValidationError({"old_password": "Your current password is not right"})
    from django.contrib.auth.password_validation import validate_password

    validate_password(new, user)
    user.set_password(new)
    from .audit import save_audited

    save_audited(user, user=user, reason=reason)
    _password_event(user=user, kind=SecurityEventKind.PASSWORD_CHANGED, reason=reason)
    # This session is kept, with its two-factor verification (cycle_key keeps the session's
    # data); every other one is ended on the server and recorded as ended by the change.
    update_session_auth_hash(request, user)
    from .models import SessionEndReason
    from .sessions import sessions_end_others

    sessions_end_others(
        user=user,
        keep_session_key=request.session.session_key,
        reason=SessionEndReason.PASSWORD_CHANGED,
    )


@transaction.atomic
def password_reset_complete(*, user: User, new: str) -> None:
    """Set the password chosen through an emailed reset link (two-factor still asked at sign-in)."""
    from django.contrib.auth.password_validation import validate_password

    from .audit import save_audited

    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(new, user)
    user.set_password(new)
    reason = "Reset their password through an emailed link"
    save_audited(user, user=user, reason=reason)
    _password_event(user=user, kind=SecurityEventKind.PASSWORD_RESET, reason=reason)
    # Whoever knew the old password is signed out everywhere.
    from .models import SessionEndReason
    from .sessions import sessions_end_others

    sessions_end_others(user=user, keep_session_key=None, reason=SessionEndReason.PASSWORD_CHANGED)


def password_reset_request(*, email: str) -> None:
    """Queue the reset email for `email`, whether or not anyone has it.

    The page answers the same way, in the same time, for every address: looking the address
    up and sending happen in the worker (password_reset_send), never in the request.
    """
    from .tasks import send_password_reset

    transaction.on_commit(lambda: send_password_reset.delay(email), robust=True)


def password_reset_send(*, email: str) -> int:
    """Email a reset link to each active user with this address and a password; returns how many.

    Sent straight through the configured email backend, not the outbox: an outbox row keeps
    its body, which administrators can read, and a reset link is a key to the account.
    """
    users = [
        u
        for u in User.objects.filter(email__iexact=email.strip(), is_active=True)
        if u.has_usable_password() and u.email
    ]
    for user in users:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = render_to_string(
            "registration/password_reset_email.txt",
            {
                "user": user,
                "link": f"{settings.SITE_URL}{path}",
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
                "service": settings.SERVICE_NAME,
            },
        )
        send_mail(
            f"Reset your password for the {settings.SERVICE_NAME}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    return len(users)
