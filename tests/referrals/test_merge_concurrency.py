"""Two managers merge the same pair at the same moment, each keeping a different record, on two
real database connections: exactly one merge happens, the other is told, nothing is corrupted."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from referrals import merging
from referrals.models import ContactPerson, Person, PersonMerge
from tests.factories import PersonFactory, complete_contact


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_merges_of_one_pair_cannot_both_succeed(
    mash_manager, service_manager, screening_officer
):
    a = PersonFactory(first_name="Zara", last_name="Okafor-Smith")
    b = PersonFactory(first_name="Zara", last_name="Okafor", nhs_number=None)
    contacts = [complete_contact(by=screening_officer, children=[p]) for p in (a, b)]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def merge(i: int, kept: Person, merged: Person, by) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = merging.person_merge(kept=kept, merged=merged, by=by, reason=f"By {i}")
        except ValidationError as exc:
            outcomes[i] = exc
        except Exception as exc:  # noqa: BLE001 - a deadlock or integrity error is the failure
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge, args=(0, a, b, mash_manager)),
        threading.Thread(target=merge, args=(1, b, a, service_manager)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    done = [o for o in outcomes if isinstance(o, PersonMerge)]
    told = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(done) == 1 and len(told) == 1, outcomes
    assert "already been merged" in str(told[0])
    record = PersonMerge.objects.get()
    survivor = record.kept
    assert Person.objects.filter(merged_into__isnull=False).get() == record.merged
    assert set(ContactPerson.objects.values_list("person", flat=True)) == {survivor.pk}
    assert ContactPerson.objects.count() == len(contacts)
