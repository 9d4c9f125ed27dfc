"""A manager merges two records of one child: every link moves to the kept record, the other
stays as a tombstone that leads to it, and the merge is recorded with who, why and what moved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from referrals import merging, services
from referrals.matching import SearchTerms
from referrals.models import ContactPerson, Person, PersonMerge, PersonRelationship
from referrals.search import find_people
from tests.factories import PersonFactory, complete_contact, open_involvement

pytestmark = pytest.mark.django_db


def _pair():
    kept = PersonFactory(
        first_name="Zara", last_name="Okafor-Smith", date_of_birth=dt.date(2016, 5, 1)
    )
    merged = PersonFactory(
        first_name="Zarah",
        last_name="Okafor",
        date_of_birth=None,
        nhs_number=None,
        known_as="Zee",
        school_or_nursery="Hungerford Primary",
    )
    return kept, merged


def test_merging_moves_contacts_involvements_and_relationships_and_leaves_a_tombstone(
    screening_officer, mash_manager, camden, social_work_team
):
    kept, merged = _pair()
    mother = PersonFactory(first_name="Ada", last_name="Okafor")
    first = complete_contact(by=screening_officer, children=[merged])
    second = complete_contact(by=screening_officer, children=[merged])
    services.contact_submit(contact=first, by=screening_officer, profile=camden)
    open_involvement(merged, team=social_work_team)
    PersonRelationship.objects.create(person=merged, relative=mother, relationship="mother")

    record = merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")

    assert set(ContactPerson.objects.filter(person=kept).values_list("contact", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert kept.involvements.count() == 1
    assert kept.relationships.get().relative == mother
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert merged.merged_into == kept
    assert kept.school_or_nursery == "Hungerford Primary" and kept.known_as == "Zee"
    assert record.merged_by == mash_manager and record.reason == "Same child"
    assert {row["what"] for row in record.moved} >= {
        f"Contact {first.reference}",
        f"Contact {second.reference}",
    }
    link = ContactPerson.objects.get(contact=first)
    assert link.history.first().history_change_reason.startswith(
        f"Merged {merged.case_number} into {kept.case_number}"
    )
    assert merged.history.first().history_user == mash_manager


def test_the_merged_away_name_still_finds_the_kept_record_and_the_tombstone_is_never_found(
    mash_manager,
):
    kept, merged = _pair()
    merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")
    found = [c.person for c in find_people(SearchTerms(first_name="Zee", last_name="Okafor"))]
    assert kept in found and merged not in found


def test_a_relationship_between_the_two_records_is_dropped_not_made_to_point_at_itself(
    mash_manager,
):
    kept, merged = _pair()
    PersonRelationship.objects.create(person=kept, relative=merged, relationship="sibling")
    record = merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same")
    assert not PersonRelationship.objects.exists()
    assert any(row["action"].startswith("dropped") for row in record.moved)


def test_only_managers_merge_and_different_nhs_numbers_are_refused(screening_officer, mash_manager):
    kept, merged = _pair()
    with pytest.raises(PermissionDenied):
        merging.person_merge(kept=kept, merged=merged, by=screening_officer, reason="Same")
    other = PersonFactory()
    with pytest.raises(ValidationError):
        merging.person_merge(kept=kept, merged=other, by=mash_manager, reason="Same")
    with pytest.raises(ValidationError):
        merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason=" ")
    assert not PersonMerge.objects.exists()


def test_a_merged_record_cannot_be_merged_again(mash_manager):
    kept, merged = _pair()
    merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")
    with pytest.raises(ValidationError, match="already been merged"):
        merging.person_merge(kept=merged, merged=kept, by=mash_manager, reason="Again")


def test_old_links_to_the_merged_record_lead_to_the_kept_one(client, mash_manager):
    kept, merged = _pair()
    merging.person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child")
    client.force_login(mash_manager)
    response = client.get(reverse("referrals:person_detail", args=[merged.pk]))
    assert response.status_code == 302 and response.url == kept.get_absolute_url()
    page = client.get(kept.get_absolute_url()).content.decode()
    assert merged.case_number in page and "see what moved" in page


def test_the_merge_pages_choose_confirm_and_explain(
    client, mash_manager, screening_officer, camden
):
    kept, merged = _pair()
    contact = complete_contact(by=screening_officer, children=[merged])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(mash_manager)
    start = reverse("referrals:person_merge", args=[kept.pk])
    response = client.get(start, {"case_number": "P9999999"})
    assert "No other record P9999999 that you may see" in response.text
    response = client.get(start, {"case_number": merged.case_number.lower()})
    confirm = reverse("referrals:person_merge_confirm", args=[kept.pk, merged.pk])
    assert response.status_code == 302 and response.url == confirm
    page = client.get(confirm).content.decode()
    assert kept.case_number in page and merged.case_number in page and contact.reference in page
    response = client.post(confirm, {"keep": str(kept.pk), "reason": ""})
    assert "Enter why these records are the same person" in response.text
    response = client.post(confirm, {"keep": str(kept.pk), "reason": "Same school, same mother"})
    assert response.status_code == 302
    record = PersonMerge.objects.get()
    page = client.get(reverse("referrals:person_merge_record", args=[record.pk])).content.decode()
    assert f"Contact {contact.reference}" in page and "Same school, same mother" in page
    assert Person.objects.get(pk=merged.pk).merged_into_id == kept.pk
