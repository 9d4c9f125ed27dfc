"""Limits and response headers every request gets (README "Security headers", "Uploads").

The Content-Security-Policy itself comes from django-csp (settings CONTENT_SECURITY_POLICY);
Referrer-Policy, Cross-Origin-Opener-Policy, nosniff, X-Frame-Options and HSTS from Django's
own settings. These two middlewares do what no setting does.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

# Powerful browser features the service never uses, switched off for every page and anything
# it might frame or be tricked into loading. Only features Chromium and Firefox recognise:
# an unknown name makes the browser log an error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class RequestSizeLimitMiddleware:
    """Refuse a request body bigger than MAX_REQUEST_BYTES before anything reads it.

    Goes before every middleware that could touch request.POST or request.body (CSRF,
    sessions): the decision is made from the Content-Length header alone. A chunked body has
    no length to check; Django would read none of it (a form would arrive empty and fail
    without saying why), so it is refused with 411 Length Required instead. Browsers always
    send a length with a form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refused_for_size(status=411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # As Django does: an unreadable length reads no body.
        if length > settings.MAX_REQUEST_BYTES:
            return refused_for_size(status=413)
        return self.get_response(request)


def refused_for_size(*, status: int) -> HttpResponse:
    """The GOV.UK page for a refused body (413, or 411 for a body without a length).

    Rendered without the request: no session or user exists yet at this point in the chain.
    """
    html = loader.get_template("errors/413.html").render(
        {"limit": _size(settings.MAX_REQUEST_BYTES), "no_length": status == 411}
    )
    return HttpResponse(html, status=status)


def _size(n: int) -> str:
    """10 MB, 512 KB or 1000 bytes: as people say it (1 MB here is 1024 KB)."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} bytes"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no-store on every response that may be personal.

    The rule for no-store is deliberately simple, so nothing personal slips through it: every
    response to a signed-in user, and every file download, except static files (which are
    the same for everyone and are cached for a year by whitenoise).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if may_be_personal(request, response):
            add_never_cache_headers(response)  # Cache-Control: no-store, no-cache, private...
            response["Pragma"] = "no-cache"  # For HTTP/1.0 proxies.
        return response


def may_be_personal(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return False
    if response.get("Content-Disposition", "").lower().startswith("attachment"):
        return True
    # request.user exists once AuthenticationMiddleware has run; a response made before it
    # (whitenoise, the size limit) belongs to nobody.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
