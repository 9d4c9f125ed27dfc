"""Matching stays correct when more people match the keys than are fetched, in one query."""

import datetime as dt

import pytest

from referrals import matching
from referrals.matching import SearchTerms, find_candidates
from tests.factories import PersonFactory

BORN = dt.date(2015, 3, 4)


@pytest.fixture
def person(screening_officer):
    def make(first_name, last_name, date_of_birth=BORN, **fields):
        return PersonFactory(
            by=screening_officer,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            nhs_number=fields.pop("nhs_number", ""),
            **fields,
        )

    return make


@pytest.fixture
def fetch_three(monkeypatch):
    """Stand-in for the hundreds of namesakes a common name has in a large borough."""
    monkeypatch.setattr(matching, "MAX_FETCHED", 3)


def test_namesakes_do_not_crowd_out_the_person_with_the_right_date(person, fetch_three):
    for year in range(2001, 2009):  # same birthday, other years: fetched, ranked lower
        person("Mohammed", "Khan", BORN.replace(year=year))
    known = person("Mohammed", "Khan")

    [best, *_] = find_candidates(SearchTerms("Muhammad", "Khan", BORN))

    assert best.person == known
    assert best.strength == "Strong match"


def test_nhs_number_is_fetched_before_anyone_found_by_date_of_birth(person, fetch_three):
    for first_name in ("Ava", "Isla", "Mia", "Ella"):
        person(first_name, "Green")
    known = person("Freya", "Green", dt.date(2001, 1, 1), nhs_number="9434765919")

    [best, *_] = find_candidates(SearchTerms("Ava", "Green", BORN, "9434765919"))

    assert (best.person, best.score) == (known, 100)


def test_exact_spelling_is_fetched_first_when_searching_by_name_alone(person, fetch_three):
    for first_name, last_name in [("Jane", "Smith"), ("Joan", "Smyth"), ("June", "Smith")] * 2:
        person(first_name, last_name, None)
    known = person("John", "Smith", None)

    [best, *_] = find_candidates(SearchTerms("John", "Smith"))

    assert best.person == known


def test_search_is_one_query(person, django_assert_num_queries):
    person("Oliver", "Patel", address={"line_1": "1 High Street", "postcode": "N1 1AA"})

    with django_assert_num_queries(1):
        [best] = find_candidates(SearchTerms("Oliver", "Patel", BORN, "9434765919"))
        assert best.person.address.postcode == "N1 1AA"
