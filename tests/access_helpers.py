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


def check_row(request, client, records, persona, name, url, method, expectation) -> None:
    """One access-table row: `persona` (or nobody) opens `url(records)` and gets the status."""
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url(records))
    assert response.status_code == expectation(persona), f"{name} as {persona}"
