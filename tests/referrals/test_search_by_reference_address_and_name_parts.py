"""Find a person by contact or MERLIN reference, address, a postcode fragment, one half of a
double-barrelled surname or a known-as name; results limited to what the viewer may see."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessAction, AccessLog
from referrals import services
from referrals.matching import SearchTerms
from referrals.models import PersonSearchKey
from referrals.search import find_by_address, find_people, person_search_keys
from tests.factories import PersonFactory, complete_contact

pytestmark = pytest.mark.django_db

URL = reverse("referrals:person_search")


def _child(first, last, postcode="N1 9GU", line_1="12 Caledonian Road", **extra):
    return PersonFactory(
        first_name=first,
        last_name=last,
        address={"line_1": line_1, "town": "London", "postcode": postcode},
        **extra,
    )


def test_one_half_of_a_double_barrelled_surname_finds_the_child_without_a_date_of_birth():
    child = _child("Zara", "Okafor-Smith")
    found = [c.person for c in find_people(SearchTerms(last_name="Smith"))]
    assert child in found
    found = [c.person for c in find_people(SearchTerms(first_name="Zara", last_name="Okafor"))]
    assert child in found


def test_a_known_as_name_finds_the_child_without_a_date_of_birth():
    child = _child("Joanna", "Mensah", known_as="Jojo")
    other = _child("Joanna", "Adeyemi", known_as="Jo")
    found = [c.person for c in find_people(SearchTerms(first_name="Jojo", last_name="Mensah"))]
    assert child in found and other not in found


def test_name_parts_found_with_a_date_of_birth_must_fit_it():
    child = _child("Zara", "Okafor-Smith", date_of_birth=dt.date(2015, 3, 4))
    terms = SearchTerms(last_name="Smith", first_name="Zara", date_of_birth=dt.date(2001, 8, 20))
    assert child not in [c.person for c in find_people(terms)]


def test_two_characters_of_a_postcode_narrow_the_search():
    islington = _child("Ada", "Byrne", postcode="N1 9GU")
    havering = _child("Ben", "Cole", postcode="RM1 3BD")
    people, more = find_by_address("RM")
    assert people == [havering] and not more
    people, _ = find_by_address("n1 9gu")
    assert people == [islington]


def test_words_of_the_address_find_the_people_living_there():
    there = _child("Ada", "Byrne", line_1="12 Caledonian Road")
    _child("Ben", "Cole", line_1="4 Holloway Road")
    assert find_by_address("12 caled")[0] == [there]


def test_keys_follow_a_change_of_name_and_address():
    child = _child("Zara", "Okafor-Smith")
    services.person_update(
        person=child,
        by=child_author(),
        reason="Name changed",
        last_name="Okafor",
        address={"line_1": "1 Station Road", "postcode": "RM3 8AA"},
    )
    keys = set(PersonSearchKey.objects.filter(person=child).values_list("kind", "value"))
    assert keys == person_search_keys(child)
    assert ("name", "smith") not in keys and ("address", "rm38aa") in keys


def child_author():
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.SCREENING_OFFICER])


def test_contact_reference_finds_the_contact_for_those_who_may_see_it(
    client, screening_officer, camden, early_help_manager
):
    child = _child("Zara", "Okafor-Smith")
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    body = client.get(URL, {"search": "1", "reference": contact.reference.lower()}).content.decode()
    assert contact.reference in body and "Zara Okafor-Smith" in body
    # Early help staff may search but were never given this contact: it is not shown.
    client.force_login(early_help_manager)
    body = client.get(URL, {"search": "1", "reference": contact.reference}).content.decode()
    assert 'id="contact-results"' not in body and "No matches found" in body


def test_merlin_reference_finds_its_contact(client, partner_user, screening_officer, camden):
    from referrals.merlin import services as merlin
    from tests.referrals.merlin_helpers import report as merlin_report

    report = merlin.merlin_submit(by=partner_user, profile=camden, data=merlin_report())
    client.force_login(screening_officer)
    body = client.get(URL, {"search": "1", "reference": report.reference}).content.decode()
    assert report.contact.reference in body


def test_early_help_staff_see_who_is_known_but_open_only_their_own(client, early_help_manager):
    child = _child("Zara", "Okafor-Smith")
    client.force_login(early_help_manager)
    body = client.get(URL, {"search": "1", "last_name": "Smith"}).content.decode()
    assert "Zara Okafor-Smith" in body and "Not open to you" in body
    assert child.get_absolute_url() not in body


def test_a_search_is_logged_with_what_it_showed(client, screening_officer):
    child = _child("Zara", "Okafor-Smith")
    client.force_login(screening_officer)
    client.get(URL, {"search": "1", "address": "N1"})
    search = AccessLog.objects.filter(user=screening_officer, action=AccessAction.SEARCH).get()
    assert child.case_number in search.details["results"]
    assert AccessLog.objects.filter(
        user=screening_officer, content_type__model="person", object_id=child.pk
    ).exists()


def test_an_address_search_reads_in_a_constant_number_of_queries(client, screening_officer):
    client.force_login(screening_officer)
    for n in range(3):
        _child(f"Child{n}", "Byrne")
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"search": "1", "address": "N1"})
    for n in range(3, 9):
        _child(f"Child{n}", "Byrne")
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL, {"search": "1", "address": "N1"}).content.decode()
    assert body.count("Byrne") >= 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_one_character_of_a_postcode_is_refused_with_a_message(client, screening_officer):
    client.force_login(screening_officer)
    body = client.get(URL, {"search": "1", "address": "N"}).content.decode()
    assert "govuk-error-summary" in body
    assert "Enter at least two letters or numbers of the address or postcode" in body


@pytest.mark.parametrize("prefix", [True, False])
def test_the_search_keys_are_found_through_their_index_not_a_scan(prefix):
    """At a million people a scan of the keys is too slow: the prefix (LIKE 'rm%') and exact
    lookups must be able to use person_search_key_prefix (varchar_pattern_ops)."""
    from referrals.search import _with_key

    ben = _child("Ben", "Cole", postcode="RM1 3BD")
    # A table of a few rows lets the planner pick any index (the unique person/kind/value one
    # with a filter was chosen on one run), so give it a realistic spread of keys and fresh
    # statistics: a selective prefix must then be an index condition on the prefix index.
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(person=ben, kind=kind, value=f"{kind[:2]}{n:05d}")
        for kind in ("address", "name")
        for n in range(3000)
    )
    qs = _with_key("address", "rm", prefix=prefix)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_personsearchkey")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_search_key_prefix" in plan, plan
    assert "Index Cond" in plan and "value" in plan.split("Index Cond", 1)[1], plan


def test_a_whole_address_with_its_postcode_finds_the_person():
    there = _child("Ada", "Byrne", line_1="14 Plender Street", postcode="NW1 0JT")
    assert find_by_address("14 Plender Street NW1 0JT")[0] == [there]
    assert find_by_address("plender 0jt")[0] == [there]
