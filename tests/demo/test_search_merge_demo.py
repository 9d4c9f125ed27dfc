"""The demo shows search by half a surname and postcode, a pair of records to merge and a
duplicate contact flagged at screening (demo/duplicates.py)."""

from referrals.matching import SearchTerms
from referrals.models import ContactDuplicate, DuplicateStatus, Person
from referrals.search import find_by_address, find_people
from tests.demo.test_seed_demo import seeded  # noqa: F401 - the module's seeded database


def test_the_double_barrelled_child_is_found_by_half_her_surname_and_her_postcode(seeded, db):  # noqa: F811
    zara = Person.objects.get(first_name="Zara", last_name="Okafor-Smith")
    assert zara in [c.person for c in find_people(SearchTerms(first_name="Zee", last_name="Smith"))]
    assert zara in find_by_address(f"{zara.address.line_1} {zara.address.postcode}")[0]


def test_two_records_of_one_boy_wait_to_be_merged(seeded, db):  # noqa: F811
    kayden = Person.objects.get(first_name="Kayden", last_name="Brooks")
    found = [c.person for c in find_people(SearchTerms("Kayden", "Brooks", kayden.date_of_birth))]
    assert Person.objects.get(first_name="Kaiden", last_name="Brookes") in found


def test_the_same_incident_reported_twice_is_flagged(seeded, db):  # noqa: F811
    zara = Person.objects.get(first_name="Zara", last_name="Okafor-Smith")
    flag = ContactDuplicate.objects.get(contact__people=zara)
    assert flag.status == DuplicateStatus.OPEN
