"""Adding a child (or an adult) to a contact lists, among people who score the same, those of
that age today first: 25 years of records hold adults who share a child's name."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from referrals import matching
from referrals.matching import SearchTerms, find_candidates
from tests.factories import PersonFactory, complete_contact

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
CHILD = dt.date(2015, 3, 4)
ADULT = dt.date(1990, 7, 21)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def person(first_name="Liam", last_name="Jones", date_of_birth=None, **fields):
    return PersonFactory(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        nhs_number="",
        **fields,
    )


def ranked(looking_for, **terms):
    terms = SearchTerms(first_name="Liam", last_name="Jones", looking_for=looking_for, **terms)
    return [c.person for c in find_candidates(terms)]


def test_adding_a_child_lists_namesakes_who_are_children_today_first():
    adults = [person(date_of_birth=ADULT), person(date_of_birth=dt.date(2008, 5, 31))]
    unknown = person()
    child = person(date_of_birth=CHILD)

    assert ranked("child") == [child, unknown, *adults]


def test_adding_an_adult_lists_namesakes_who_are_adults_today_first():
    child = person(date_of_birth=CHILD)
    unknown = person()
    adult = person(date_of_birth=dt.date(2008, 6, 1))  # eighteen today

    assert ranked("adult") == [adult, unknown, child]


def test_a_search_that_says_neither_keeps_the_oldest_record_first():
    adult = person(date_of_birth=ADULT)
    child = person(date_of_birth=CHILD)

    assert ranked("") == [adult, child]


def test_age_only_breaks_ties_it_never_lifts_a_weaker_match():
    adult = person(date_of_birth=ADULT)
    child = person(last_name="Jonas", date_of_birth=CHILD)

    assert ranked("child") == [adult, child]


def test_a_date_of_birth_given_still_decides_before_age():
    adult = person(date_of_birth=ADULT)
    person(date_of_birth=CHILD)

    assert ranked("child", date_of_birth=ADULT)[0] == adult


def test_children_are_fetched_first_when_namesakes_are_more_than_fetched(monkeypatch):
    monkeypatch.setattr(matching, "MAX_FETCHED", 3)
    for _ in range(4):
        person(date_of_birth=ADULT)
    child = person(date_of_birth=CHILD)

    assert ranked("child")[0] == child


@pytest.mark.parametrize("role", ["child", "adult"])
def test_the_contacts_find_a_person_page_lists_the_age_it_is_adding_first(
    client, screening_officer, role
):
    adult = person(date_of_birth=ADULT)
    child = person(date_of_birth=CHILD)
    draft = complete_contact(by=screening_officer, children=[])
    client.force_login(screening_officer)

    body = client.get(
        reverse("referrals:contact_find_person", args=[draft.pk]),
        {"search": "1", "role": role, "first_name": "Liam", "last_name": "Jones"},
    ).content.decode()

    first, second = (child, adult) if role == "child" else (adult, child)
    assert body.index(first.case_number) < body.index(second.case_number)
