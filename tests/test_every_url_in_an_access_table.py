"""Every page the service serves has a row in an access table (persona x URL -> status)."""

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

# Not ours (the Django admin) or open to all by design (signing in and out, the health check).
EXEMPT_NAMESPACES = {"admin"}
EXEMPT = {"login", "logout", "healthz"}


def _names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_named_url_is_in_an_access_table():
    tables = "".join(path.read_text() for path in Path(__file__).parent.rglob("test_*access*.py"))
    names = {
        n
        for n in _names(get_resolver().url_patterns)
        if n.split(":")[0] not in EXEMPT_NAMESPACES and n not in EXEMPT
    }
    # Tables name URLs either whole ("mash:enquiry") or through a helper given the bare name.
    missing = sorted(
        n for n in names if f'"{n}"' not in tables and f'"{n.split(":")[-1]}"' not in tables
    )
    assert missing == []
