"""Every named URL with junk in its path parameters and query: a 404 or a page, never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.fuzz_helpers import PATH_JUNK, TWENTY_DIGITS
from tests.test_every_url_in_an_access_table import EXEMPT_NAMESPACES

PERSONAS = [
    "mash_manager",
    "senior_practitioner",
    "early_help_manager",
    "team_manager",
    "partner_user",
    "family_worker",
]
QUERY = f"?page=-1&search=1&date_of_birth_0={TWENTY_DIGITS}&role=%00&q=" + "ß" * 50


def _routes(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if (pattern.namespace or namespace) in EXEMPT_NAMESPACES:
                continue
            if isinstance(pattern.pattern, RoutePattern):
                yield from _routes(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
        elif isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern):
            yield pattern.name or "", prefix + str(pattern.pattern)


def _junk_paths(route: str) -> list[str]:
    params = re.findall(r"<(?:(\w+):)?\w+>", route)
    if not params:
        return ["/" + route + QUERY]
    paths = []
    for i in range(max(len(PATH_JUNK.get(c or "str", ["abc"])) for c in params)):
        path = route
        for converter in params:
            values = PATH_JUNK.get(converter or "str", ["abc"])
            path = re.sub(r"<(?:\w+:)?\w+>", values[i % len(values)], path, count=1)
        paths.append("/" + path)
    return paths


@pytest.mark.django_db
def test_junk_path_parameters_on_every_named_url_never_give_a_server_error(request, camden):
    clients = []
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(request.getfixturevalue(persona))
        clients.append((persona, client))
    failures, sent = [], 0
    for n, (name, route) in enumerate(sorted(set(_routes(get_resolver().url_patterns)))):
        for path in _junk_paths(route):
            for method in ("get", "post"):
                # Personas take turns, so across the routes each meets every kind of junk; a
                # persona the page refuses (403) passes the junk on to the next, so the junk
                # reaches the code behind the permission check of someone who may use it.
                for turn in range(len(clients)):
                    persona, client = clients[(n + sent + turn) % len(clients)]
                    sent += 1
                    status = getattr(client, method)(path).status_code
                    if status >= 500:
                        failures.append(
                            f"{method.upper()} {path[:120]} ({name}) as {persona}: {status}"
                        )
                    if status != 403:
                        break
    assert sent > 100
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures)
