"""A middle name given in the search lists, among people of the same name, those who have it
first: a common name searched without a date of birth can match more people than are shown."""

import datetime as dt

import pytest
from django.urls import reverse

from referrals import matching
from referrals.matching import SearchTerms, find_candidates
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(2015, 3, 4)


def person(first_name, last_name, middle_names="", date_of_birth=None):
    return PersonFactory(
        first_name=first_name,
        middle_names=middle_names,
        last_name=last_name,
        date_of_birth=date_of_birth,
        nhs_number="",
    )


def ranked(**terms):
    return [c.person for c in find_candidates(SearchTerms(**terms))]


def test_namesake_with_the_middle_name_given_is_listed_first_without_a_date_of_birth():
    others = [person("Liam", "Jones", middle) for middle in ("", "Thomas", "")]
    known = person("Liam", "Jones", "James")

    found = ranked(first_name="Liam", middle_names="james", last_name="Jones")

    assert found[0] == known
    assert set(found[1:]) == set(others)


def test_a_different_recorded_middle_name_ranks_below_a_namesake_with_none_recorded():
    # Records often leave middle names out: no middle name is not evidence against.
    cousin = person("Liam", "Jones", "Thomas")
    unrecorded = person("Liam", "Jones")

    [first, second] = find_candidates(SearchTerms("Liam", "Jones", middle_names="James"))

    assert (first.person, second.person) == (unrecorded, cousin)
    assert "Different middle name" in second.reasons


def test_a_middle_name_never_makes_names_alone_a_strong_match():
    person("Liam", "Jones", "James")

    [best] = find_candidates(SearchTerms("Liam", "Jones", middle_names="James"))

    assert best.strength == "Possible match"
    assert "Same middle name" in best.reasons


def test_a_middle_name_does_not_outweigh_the_date_of_birth():
    right = person("Liam", "Jones", "Thomas", date_of_birth=BORN)
    person("Liam", "Jones", "James", date_of_birth=dt.date(1990, 7, 21))

    found = ranked(first_name="Liam", middle_names="James", last_name="Jones", date_of_birth=BORN)

    assert found[0] == right


def test_namesakes_with_the_middle_name_are_fetched_first_when_there_are_more_than_fetched(
    monkeypatch,
):
    monkeypatch.setattr(matching, "MAX_FETCHED", 3)
    for _ in range(4):
        person("Liam", "Jones")
    known = person("Liam", "Jones", "Oluwaseun James")

    found = ranked(first_name="Liam", middle_names="Oluwaseun", last_name="Jones")

    assert found[0] == known


def test_the_find_a_person_page_lists_the_namesake_with_the_middle_name_first(
    client, screening_officer
):
    other = person("Liam", "Jones")
    known = person("Liam", "Jones", "Kwame")
    client.force_login(screening_officer)

    body = client.get(
        reverse("referrals:person_search"),
        {"search": "1", "first_name": "Liam", "middle_names": "Kwame", "last_name": "Jones"},
    ).content.decode()

    assert body.index(known.case_number) < body.index(other.case_number)
    assert "Same middle name" in body


def test_a_middle_name_alone_is_not_a_search(client, screening_officer):
    client.force_login(screening_officer)

    response = client.get(
        reverse("referrals:person_search"), {"search": "1", "middle_names": "Kwame"}
    )

    assert response.status_code == 200
    assert "Enter a name, date of birth or NHS number, or a reference" in response.content.decode()
