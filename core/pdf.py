"""A page's HTML as a PDF, made on the server with WeasyPrint.

WeasyPrint needs Pango (Debian `libpango-1.0-0 libpangoft2-1.0-0`, in the Dockerfile). Where it
cannot be imported the report says the PDF is unavailable and the print stylesheet still
works. It fetches nothing over the network: stylesheets, fonts and images are read from the
static files the page names, and any other address is refused (no server-side requests on a
page's say-so).
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

_UNAVAILABLE: str | None = None


def pdf_unavailable() -> str | None:
    """Why PDFs cannot be made here, or None when they can."""
    global _UNAVAILABLE
    if _UNAVAILABLE is None:
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError) as exc:  # OSError: Pango's libraries are missing
            _UNAVAILABLE = f"WeasyPrint could not be loaded ({exc.__class__.__name__})"
        else:
            _UNAVAILABLE = ""
    return _UNAVAILABLE or None


def _static_file(path: str) -> str | None:
    name = path.removeprefix(settings.STATIC_URL).lstrip("/")
    if ".." in name.split("/"):
        return None
    found = finders.find(name)
    if found:
        return found
    try:
        local = staticfiles_storage.path(name)  # collected (and hashed) files in production
    except (NotImplementedError, ValueError):
        return None
    return local


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """Answers the page's static files from disk; refuses every other address."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            local = _static_file(parts.path) if parts.path.startswith(settings.STATIC_URL) else None
            if not local:
                raise ValueError(f"Not fetched for a PDF: {url}")
            with open(local, "rb") as handle:
                body = handle.read()
            mime = mimetypes.guess_type(local)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnly(allowed_protocols=("http", "https"))


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The HTML (as the browser would get it from `base_url`) as PDF bytes."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf()
