"""Every page in the front door's and the MASH's access table, fuzzed: no junk gives a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.fuzz_helpers import Fuzzer
from tests.referrals.test_access import TABLE, records, records_once  # noqa: F401 - fixtures

# The most privileged persona a page allows is tried first; one per page keeps this bounded.
PRIORITY = [
    "mash_manager",
    "senior_practitioner",
    "team_manager",
    "mash_social_worker",
    "screening_officer",
    "early_help_manager",
    "partner_user",
    "health_user",
    "social_worker",
    "outsider",
]
MERLIN = ["referrals:merlin_new", "referrals:merlin_upload", "referrals:merlin_list"]


@pytest.mark.django_db
def test_junk_in_every_front_door_and_mash_form_never_gives_a_server_error(
    request, settings, camden
):
    settings.COUNCIL_PROFILE = "camden"
    made = request.getfixturevalue("records")
    # Ids of records a page does not offer: another agency's request, other contacts.
    other_ids = [str(o.pk) for o in made.values() if hasattr(o, "pk")]
    fuzzer = Fuzzer(other_ids)
    clients: dict[str, Client] = {}

    def client_for(persona: str) -> Client:
        if persona not in clients:
            clients[persona] = Client(raise_request_exception=False)
            clients[persona].force_login(request.getfixturevalue(persona))
        return clients[persona]

    for name, url, method, expectation in TABLE:
        allowed = [p for p in PRIORITY if expectation(p) in (200, 302)]
        if allowed:
            fuzzer.page(client_for(allowed[0]), url(made), method, allowed[0])
    for name in MERLIN:
        fuzzer.page(client_for("partner_user"), reverse(name), "get", "partner_user")
    for query in ("?search=1&date_of_birth_0=99999999999999999999&date_of_birth_1=1", "?page=-7"):
        fuzzer.page(
            client_for("screening_officer"),
            reverse("referrals:person_search") + query,
            "get",
            "screening_officer",
        )
    assert fuzzer.requests > len(TABLE)  # forms were found and sent, not just pages fetched
    assert not fuzzer.failures, fuzzer.report()
