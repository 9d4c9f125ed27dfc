import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import break_glass, services
from .forms import BreakGlassForm, LoginForm
from .models import BreakGlass, Heartbeat, Notification


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .sessions import signed_out_notice

        context = super().get_context_data(**kwargs)
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
                f"You can read case records until {timezone.localtime(glass.expires_at):%H:%M}.",
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


def _check_broker() -> tuple[bool, str]:
    # The project's app (contact_service.celery) is the current one; asking Celery for it keeps
    # accounts below the project package (docs/adr/0010-layers.md).
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return False, type(exc).__name__


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


# Beat records its heartbeat every minute; five missed beats means no clock is being swept.
BEAT_LATE_AFTER = dt.timedelta(minutes=5)


def _check_beat() -> tuple[bool, dict]:
    hb = Heartbeat.objects.filter(name="beat").first()
    if hb is None:
        return False, {"last_seen": None, "stale": True}
    stale = timezone.now() - hb.last_seen_at > BEAT_LATE_AFTER
    return not stale, {"last_seen": hb.last_seen_at.isoformat(), "stale": stale}


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Up, degraded or down: 503 only when the database is down (README "Health checks").

    A broker outage or a late beat is "degraded", not a failure: pages still work and the
    email outbox keeps what it must send until the broker is back, so restarting or
    unrouting the web tier would turn a background problem into an outage.
    """
    db_ok, db_detail = _check_database()
    broker_ok, broker_detail = _check_broker()
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
    return JsonResponse(
        {
            "status": status,
            "database": db_detail,
            "broker": broker_detail,
            "beat": beat,
            "problems": problems,
        },
        status=503 if status == "down" else 200,
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
