"""Every URL of merging people and deciding duplicate contacts x every persona -> status."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import merging, services
from referrals.models import ContactDuplicate
from tests.access_helpers import check_row, expect, shared_records
from tests.factories import PersonFactory, complete_contact

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "service_manager",
    "partner_user",
    "early_help_manager",
    "team_manager",
    "outsider",
]
FRONT_DOOR = {"screening_officer", "senior_practitioner"}
MASH = {"mash_social_worker", "mash_manager"}
READERS = FRONT_DOOR | MASH | {"service_manager"}
MERGERS = {"mash_manager", "service_manager"}

TABLE = [
    (
        "decide a duplicate contact",
        lambda o: reverse("referrals:contact_duplicate", args=[o["flag"].contact_id, o["flag"].pk]),
        "get",
        # Screening decides; other readers of the contact are told 403; the rest may not know it.
        expect(FRONT_DOOR, readers=MASH | {"service_manager"}, otherwise=404),
    ),
    (
        "merge a person: choose the other record",
        lambda o: reverse("referrals:person_merge", args=[o["kept"].pk]),
        "get",
        expect(MERGERS),
    ),
    (
        "merge a person: confirm",
        lambda o: reverse("referrals:person_merge_confirm", args=[o["kept"].pk, o["other"].pk]),
        "get",
        expect(MERGERS),
    ),
    (
        "merge record",
        lambda o: reverse("referrals:person_merge_record", args=[o["record"].pk]),
        "get",
        expect(READERS, otherwise=404),
    ),
]


def make_records(screening_officer, mash_manager, camden):
    child = PersonFactory(first_name="Zara", last_name="Okafor-Smith")
    for hours_ago in (5, 0):
        contact = complete_contact(
            by=screening_officer,
            children=[child],
            received_at=timezone.now() - dt.timedelta(hours=hours_ago),
        )
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    # (Other tables' records may be flagged too: this table's flag is the one on `contact`.)
    kept = PersonFactory(last_name="Adeyemi")
    merged = PersonFactory(last_name="Adeyemi", nhs_number=None)
    record = merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")
    return {
        "flag": ContactDuplicate.objects.get(contact=contact),
        "kept": kept,
        "other": PersonFactory(last_name="Adeyemi-Cole", nhs_number=None),
        "record": record,
    }


# What the table's URLs point at, built once for the module.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)
