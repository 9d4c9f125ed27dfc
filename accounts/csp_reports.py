"""Content-Security-Policy violation reports: read a browser's report and log it, safely.

Browsers post these without a session or CSRF token, so anyone can post anything: the
reader takes only the fields worth logging, cuts each short, drops query strings (a page's
address can carry a search for a child's name) and logs through repr(), so nothing a
sender writes can forge a log line. The number logged per minute is bounded.
"""

import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("csp")

# report-uri (application/csp-report) names -> the Reporting API's (application/reports+json).
FIELDS = {
    "document-uri": "documentURL",
    "effective-directive": "effectiveDirective",
    "blocked-uri": "blockedURL",
    "source-file": "sourceFile",
    "line-number": "lineNumber",
    "script-sample": "sample",
    "disposition": "disposition",
}
URL_FIELDS = {"document-uri", "blocked-uri", "source-file"}
MAX_FIELD = 200
MAX_PER_POST = 10


class NotAReport(ValueError):
    """The body is not a CSP report in either format."""


def parse(body: bytes) -> list[dict[str, str]]:
    """The violations in a report body (either format), each with only the FIELDS kept."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAReport("not JSON") from exc
    cleaned = (_clean(raw, camel) for raw, camel in _raw_reports(data))
    return [violation for violation in cleaned if violation][:MAX_PER_POST]


def _raw_reports(data) -> Iterator[tuple[dict, bool]]:
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        yield data["csp-report"], False
    elif isinstance(data, list):
        for item in data[:MAX_PER_POST]:
            if (
                isinstance(item, dict)
                and item.get("type") == "csp-violation"
                and isinstance(item.get("body"), dict)
            ):
                yield item["body"], True
    else:
        raise NotAReport("neither a csp-report nor a list of reports")


def _clean(raw: dict, camel: bool) -> dict[str, str]:
    out = {}
    for name, camel_name in FIELDS.items():
        value = raw.get(camel_name if camel else name)
        if value is None:
            continue
        text = str(value)
        if name in URL_FIELDS:
            text = _without_query(text)
        out[name] = text[:MAX_FIELD]
    return out


def _without_query(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(not a URL)"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def may_log() -> bool:
    """True while fewer than CSP_REPORTS_PER_MINUTE reports were logged this minute."""
    key = f"csp-reports:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # The key expired between add and incr: a new minute began.
        return True
    return count <= settings.CSP_REPORTS_PER_MINUTE


def log(violations: list[dict[str, str]]) -> None:
    for violation in violations:
        logger.warning(
            "CSP violation: %s",
            " ".join(f"{name}={value!r}" for name, value in violation.items()),
        )
