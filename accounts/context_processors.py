"""What base.html needs to warn before a session times out (static/js/session-timeout.js)."""

from django.conf import settings
from django.http import HttpRequest


def session_timeout(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    from .sessions import seconds_left

    left = seconds_left(request)
    return {
        "session_timeout": {
            "seconds_left": left["seconds_left"],
            "extendable": left["extendable"],
            "warning_seconds": int(settings.SESSION_WARNING_MINUTES * 60),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        }
    }
