"""Two MERLINs with one reference submitted at the same moment: one is recorded, one is told."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from referrals.merlin.models import MerlinReport

FORM = {
    "reference": "MER-RACE-1",
    "police_rag": "amber",
    "incident_date": "01/03/2025",
    "incident_time": "21:30",
    "category": "other",
    "safeguarding_concerns": "yes",
    "summary": "Found wandering",
    "decision_maker_name": "Jo",
    "decision_maker_rank": "DS",
    "signed_off": "on",
    "child1_first_name": "Zed",
    "child1_last_name": "Racechild",
}
TOLD = (
    "submitted at the same moment",  # the unique constraint caught the race
    "MER-RACE-1 has already been submitted",  # the second saw the first committed
)


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_reference_at_once_record_one_and_tell_the_other(
    camden, partner_user, settings
):
    settings.COUNCIL_PROFILE = "camden"
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def submit(i: int) -> None:
        client = Client(raise_request_exception=True)
        client.force_login(partner_user)
        try:
            barrier.wait(timeout=10)
            responses[i] = client.post(reverse("referrals:merlin_new"), FORM)
        except Exception as exc:  # noqa: BLE001 - an exception is the failure this test finds
            responses[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [200, 302], responses
    loser = next(r for r in responses if r.status_code == 200)
    assert any(message in loser.text for message in TOLD), loser.text
    assert MerlinReport.objects.filter(reference="MER-RACE-1").count() == 1
