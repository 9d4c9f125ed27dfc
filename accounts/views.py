import datetime as dt

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import services
from .forms import LoginForm
from .models import Heartbeat, Notification


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


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


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitoring: database and broker; beat is reported, not required."""
    db_ok, db_detail = _check_database()
    broker_ok, broker_detail = _check_broker()
    beat = None
    if db_ok:
        hb = Heartbeat.objects.filter(name="beat").first()
        if hb is not None:
            age = timezone.now() - hb.last_seen_at
            beat = {
                "last_seen": hb.last_seen_at.isoformat(),
                "stale": age > dt.timedelta(minutes=5),
            }
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unhealthy",
            "database": db_detail,
            "broker": broker_detail,
            "beat": beat,
        },
        status=200 if healthy else 503,
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
