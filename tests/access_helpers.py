"""Shared by the per-app access tables: the status each persona should get for a URL."""

import inspect


def expect(
    allowed: set[str], *, readers: set[str] | None = None, otherwise: int = 403, ok: int = 200
):
    """ok for `allowed`; 403 for those who may read but not act; `otherwise` for the rest."""
    readers = readers or set()

    def status(persona: str) -> int:
        if persona == "anonymous":
            return 302
        if persona in allowed:
            return ok
        if persona in readers:
            return 403
        return otherwise

    return status


def with_fixtures(request, maker):
    """Call `maker` with the fixtures its parameters name (personas, profiles)."""
    params = inspect.signature(maker).parameters
    return maker(**{name: request.getfixturevalue(name) for name in params})
