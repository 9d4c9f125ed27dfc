"""The person page reads the person's relationships and the records merged into theirs only
when there are some (asked as the person is read), and shows them when there are."""

import pytest
from django.urls import reverse

from referrals import merging
from referrals.models import PersonRelationship
from tests.factories import PersonFactory
from tests.query_helpers import tables_listed

LISTS = ("referrals_personrelationship", "referrals_personmerge")

pytestmark = pytest.mark.django_db


def _page(client, person):
    read, response = tables_listed(
        client, reverse("referrals:person_detail", args=[person.pk]), LISTS
    )
    return read, response.content.decode()


def test_a_person_with_neither_reads_neither(client, mash_manager):
    person = PersonFactory()
    client.force_login(mash_manager)

    read, page = _page(client, person)

    assert read == set()
    assert "Records merged into this one" not in page


def test_a_person_with_a_relative_and_a_merged_record_reads_and_shows_both(client, mash_manager):
    person = PersonFactory(first_name="Zara", last_name="Okafor")
    mother = PersonFactory(first_name="Ada", last_name="Okafor")
    PersonRelationship.objects.create(person=person, relative=mother, relationship="mother")
    duplicate = PersonFactory(first_name="Zarah", last_name="Okafor", nhs_number=None)
    merging.person_merge(kept=person, merged=duplicate, by=mash_manager, reason="Same child")
    client.force_login(mash_manager)

    read, page = _page(client, person)

    assert read == set(LISTS)
    assert "Ada Okafor" in page
    assert "Records merged into this one" in page and duplicate.case_number in page
