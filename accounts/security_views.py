"""Sign-in security pages: two-factor (code, set-up, backup codes, reset), account security,
changing and resetting a password. Services in accounts.two_factor and accounts.passwords."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import passwords, two_factor
from .forms import (
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    TwoFactorCodeForm,
    TwoFactorEnrolForm,
    TwoFactorResetForm,
)
from .models import SecurityEvent, SecurityEventKind
from .roles import Role


def _next(request: HttpRequest) -> str:
    """Where to go after the two-factor step: the page first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@two_factor.two_factor_exempt
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a backup code."""
    if not two_factor.has_two_factor(request.user):
        if not settings.TWO_FACTOR_REQUIRED:
            return redirect(_next(request))
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': _next(request)})}")
    if request.user.is_verified():
        return redirect(_next(request))
    locked = two_factor.code_step_locked(request)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" and not locked else None)
    if request.method == "POST" and not locked and form.is_valid():
        check = two_factor.two_factor_verify(request=request, code=form.cleaned_data["code"])
        if check.ok:
            if check.backup_code_used:
                left = two_factor.backup_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a backup code. You have {left} left: make new ones "
                    "from Account security if you are running out.",
                )
            return redirect(_next(request))
        form.add_error("code", check.error)
        locked = two_factor.code_step_locked(request)
    return render(
        request,
        "accounts/two_factor/verify.html",
        {"form": form, "next": _next(request), "locked": locked},
    )


# never_cache: the set-up secret and the backup codes must not stay in any cache.
@never_cache
@two_factor.two_factor_exempt
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm a code."""
    if two_factor.has_two_factor(request.user):
        return redirect("account_security" if request.user.is_verified() else "two_factor_verify")
    secret = two_factor.pending_secret(request)
    locked = two_factor.code_step_locked(request)
    form = TwoFactorEnrolForm(request.POST if request.method == "POST" and not locked else None)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            device, codes = two_factor.two_factor_enrol(
                user=request.user, secret=secret, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "wrong_code":
                two_factor.count_wrong_enrolment_code(request)
            form.add_error("code", exc)
            locked = two_factor.code_step_locked(request)
        else:
            import django_otp

            django_otp.login(request, device)
            request.session.pop(two_factor.PENDING_SECRET, None)
            request.session.pop(two_factor.WRONG_CODES, None)
            request.session[two_factor.NEW_BACKUP_CODES] = codes
            return redirect(
                f"{reverse('two_factor_backup_codes')}?{urlencode({'next': _next(request)})}"
            )
    link = two_factor.setup_link(request.user, secret)
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(link),
            "secret": two_factor.secret_for_typing(secret),
            "next": _next(request),
            "locked": locked,
            "required": settings.TWO_FACTOR_REQUIRED,
        },
    )


@never_cache
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Shows newly made backup codes once; afterwards only how many are left."""
    codes = request.session.pop(two_factor.NEW_BACKUP_CODES, None)
    return render(
        request,
        "accounts/two_factor/backup_codes.html",
        {
            "codes": codes,
            "left": two_factor.backup_codes_left(request.user),
            "has_two_factor": two_factor.has_two_factor(request.user),
            "next": _next(request),
        },
    )


@require_POST
def two_factor_backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = two_factor.backup_codes_regenerate(user=request.user, by=request.user)
    except ValidationError:
        messages.error(request, "Set up two-factor sign-in before making backup codes.")
        return redirect("account_security")
    request.session[two_factor.NEW_BACKUP_CODES] = codes
    return redirect(
        f"{reverse('two_factor_backup_codes')}?{urlencode({'next': reverse('account_security')})}"
    )


def account_security(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in security: two-factor status, backup codes, password."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "device": two_factor.authenticator(user),
            "backup_codes_left": two_factor.backup_codes_left(user),
            "required": settings.TWO_FACTOR_REQUIRED,
            "events": SecurityEvent.objects.filter(user=user).select_related("by")[:10],
            "may_reset_others": two_factor.may_reset_anyones(user),
            "user_is_administrator": user.has_role(Role.ADMINISTRATOR),
        },
    )


def password_change(request: HttpRequest) -> HttpResponse:
    """Change your own password: the current one is asked for; this session stays signed in."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_change(
                request=request,
                user=request.user,
                current=form.cleaned_data["old_password"],
                new=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else "new_password1", exc)
        else:
            messages.success(request, "Your password has been changed.")
            return redirect("account_security")
    return render(request, "registration/password_change_form.html", {"form": form})


def _may_reset_or_403(request: HttpRequest) -> None:
    if not two_factor.may_reset_anyones(request.user):
        raise PermissionDenied


def two_factor_users(request: HttpRequest) -> HttpResponse:
    """The users whose two-factor sign-in the viewer may reset, with whether they have set it up."""
    _may_reset_or_403(request)
    rows = [(u, two_factor.has_two_factor(u)) for u in two_factor.resettable_users(request.user)]
    return render(request, "accounts/two_factor/users.html", {"rows": rows})


def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager or administrator resets a user's lost device: reason, then confirmation."""
    _may_reset_or_403(request)
    # Someone outside the viewer's reach is not found: their account's existence is not theirs.
    target = get_object_or_404(two_factor.resettable_users(request.user), pk=pk)
    form = TwoFactorResetForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            two_factor.two_factor_reset(
                user=target, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                f"Two-factor sign-in reset for {target}. They will set up their authenticator "
                "app again when they next sign in.",
            )
            return redirect("two_factor_users")
        confirming = True
    return render(
        request,
        "accounts/two_factor/reset.html",
        {
            "target": target,
            "form": form,
            "confirming": confirming,
            "has_two_factor": two_factor.has_two_factor(target),
            "resets": SecurityEvent.objects.filter(
                user=target, kind=SecurityEventKind.TWO_FACTOR_RESET
            ).select_related("by")[:20],
        },
    )


@login_not_required
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        passwords.password_reset_request(email=form.cleaned_data["email"])
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    extra_context = {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")
    # Never signs in: the next sign-in asks for the password and the two-factor code as usual.
    post_reset_login = False
