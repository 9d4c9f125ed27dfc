import datetime as dt
import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.templatetags.govuk import govuk_time

from . import break_glass, csp_reports, services
from .forms import BreakGlassForm, LoginForm
from .models import BreakGlass, Heartbeat, Notification
from .roles import Role

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .sessions import signed_out_notice

        context = {
            **super().get_context_data(**kwargs),
            # The demo says that two-factor sign-in is off (README "Sign-in and two-factor").
            "two_factor_required": settings.TWO_FACTOR_REQUIRED,
        }
        # Why the service signed the user out (idle, or the session's absolute lifetime).
        if self.request.method == "GET":
            context["signed_out_notice"] = signed_out_notice(self.request.GET.get("signed_out"))
        return context


def break_glass_page(request: HttpRequest) -> HttpResponse:
    """An administrator asks for time-limited read access to case records, giving a reason."""
    if not break_glass.may_break_glass(request.user):
        raise PermissionDenied
    active = break_glass.active_break_glass(request.user)
    form = BreakGlassForm(request.POST if request.method == "POST" and active is None else None)
    if request.method == "POST" and active is None and form.is_valid():
        try:
            glass = break_glass.break_glass_start(
                user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason" if hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(
                request,
                f"You can read case records until {govuk_time(timezone.localtime(glass.expires_at))}.",
            )
            return redirect("break_glass")
    return render(
        request,
        "accounts/break_glass.html",
        {
            "form": form,
            "active": active,
            "minutes": settings.BREAK_GLASS_MINUTES,
            "previous": BreakGlass.objects.filter(user=request.user)[:10],
        },
    )


@require_POST
def break_glass_stop(request: HttpRequest) -> HttpResponse:
    if not break_glass.may_break_glass(request.user):
        raise PermissionDenied
    active = break_glass.active_break_glass(request.user)
    if active is not None:
        break_glass.break_glass_end(glass=active, by=request.user)
        messages.success(request, "Break-glass access ended.")
    return redirect("break_glass")


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's notice is not found, not forbidden: its existence is theirs alone.
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notice, by=request.user)
    return redirect(notice.url or "work_tray")


def _check_broker() -> bool:
    # The project's app (contact_service.celery) is the current one; asking Celery for it keeps
    # accounts below the project package (docs/adr/0010-layers.md).
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        # The cause goes to the log, for the operator; never into the response.
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return False


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001
        logger.warning("Health check: the database does not answer", exc_info=True)
        return False


# Beat records its heartbeat every minute; five missed beats means no clock is being swept.
BEAT_LATE_AFTER = dt.timedelta(minutes=5)


def _check_beat() -> tuple[bool, dict]:
    hb = Heartbeat.objects.filter(name="beat").first()
    if hb is None:
        return False, {"last_seen": None, "stale": True}
    stale = timezone.now() - hb.last_seen_at > BEAT_LATE_AFTER
    return not stale, {"last_seen": hb.last_seen_at.isoformat(), "stale": stale}


def _may_see_health_details(request: HttpRequest) -> bool:
    """A signed-in administrator, or a monitor with the bearer token HEALTHZ_TOKEN."""
    user = request.user
    if (
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_role(Role.ADMINISTRATOR))
    ):
        return True
    token = settings.HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Up, degraded or down: 503 only when the database is down (README "Health checks").

    A broker outage or a late beat is "degraded", not a failure: pages still work and the
    email outbox keeps what it must send until the broker is back, so restarting or
    unrouting the web tier would turn a background problem into an outage. Anyone sees the
    status alone; which check failed is for administrators and the monitoring token.
    """
    db_ok = _check_database()
    broker_ok = _check_broker()
    beat_ok, beat = _check_beat() if db_ok else (False, None)
    problems = []
    if not db_ok:
        problems.append("the database does not answer")
    if not broker_ok:
        problems.append("the broker does not answer: background work waits in the outbox")
    if db_ok and not beat_ok:
        problems.append(
            "beat has never recorded a heartbeat"
            if beat["last_seen"] is None
            else "beat is late: clocks are not being swept"
        )
    status = "down" if not db_ok else "ok" if not problems else "degraded"
    body = {"status": status}
    if _may_see_health_details(request):
        body |= {
            "database": "ok" if db_ok else "does not answer",
            "broker": "ok" if broker_ok else "does not answer",
            "beat": beat,
            "problems": problems,
        }
    return JsonResponse(body, status=503 if status == "down" else 200)


@csrf_exempt
@login_not_required
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers report what the Content-Security-Policy blocked: logged, never stored.

    Open to anyone (a browser posts it without a session or CSRF token), so the body is
    bounded before it is read and the log is bounded per minute (accounts.csp_reports).
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        violations = csp_reports.parse(request.body)
    except csp_reports.NotAReport:
        return HttpResponse(status=400)
    if not violations:
        return HttpResponse(status=400)
    if csp_reports.may_log():
        csp_reports.log(violations)
    return HttpResponse(status=204)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
