"""Every page in the early help access table, fuzzed: no junk gives a 500."""

import pytest
from django.test import Client

from tests.early_help.test_access import TABLE, records, records_once  # noqa: F401 - fixtures
from tests.fuzz_helpers import Fuzzer

PRIORITY = ["early_help_manager", "team_manager", "family_worker", "senior_practitioner"]


@pytest.mark.django_db
def test_junk_in_every_early_help_form_never_gives_a_server_error(request, settings, camden):
    settings.COUNCIL_PROFILE = "camden"
    made = request.getfixturevalue("records")
    fuzzer = Fuzzer([str(o.pk) for o in made.values() if hasattr(o, "pk")])
    clients: dict[str, Client] = {}
    for name, url, method, expectation in TABLE:
        allowed = [p for p in PRIORITY if expectation(p) in (200, 302)]
        if not allowed:
            continue
        persona = allowed[0]
        if persona not in clients:
            clients[persona] = Client(raise_request_exception=False)
            clients[persona].force_login(request.getfixturevalue(persona))
        fuzzer.page(clients[persona], url(made), method, persona)
    assert fuzzer.requests > len(TABLE)  # forms were found and sent, not just pages fetched
    assert not fuzzer.failures, fuzzer.report()
