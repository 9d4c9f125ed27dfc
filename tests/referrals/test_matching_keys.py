"""The pure parts of matching: name normalising, keys, date swaps and scoring (no database)."""

import datetime as dt

import pytest

from referrals.matching import (
    Candidate,
    SearchTerms,
    name_key,
    normalise_name,
    person_keys,
    score,
    swapped_day_month,
)
from referrals.models import Person

BORN = dt.date(2015, 3, 4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Zoë O'Brien-Smith", "zoe obriensmith"),
        ("  Mary   Jane ", "mary jane"),
        ("O’Brien", "obrien"),
        ("Smith‐Jones", "smithjones"),
        ("J.", "j"),
        ("Łukasz Wiśniewski", "lukasz wisniewski"),
        ("Søren Ørsted", "soren orsted"),
        ("Yıldız", "yildiz"),
        ("Weiß", "weiss"),
        ("Ægir", "aegir"),
        ("Renée 2nd", "renee nd"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name_keeps_only_lower_case_ascii_letters(value, expected):
    assert normalise_name(value) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Mohammed", "Muhammad"),
        ("O'Brien", "O Brien"),
        ("OBrien", "o’brien"),
        ("MacDonald", "McDonald"),
        ("Zoë", "Zoe"),
        ("Łukasz", "Lukasz"),
    ],
)
def test_name_key_is_shared_by_spelling_variants(a, b):
    assert name_key(a) == name_key(b) != ""


def test_name_key_is_empty_for_a_name_with_no_letters():
    assert name_key("") == name_key(" - ") == ""


def test_name_key_differs_for_different_names():
    assert name_key("Smith") != name_key("Jones")


def test_person_keys_are_what_the_indexes_hold():
    assert person_keys("Łukasz", "Wiśniewski") == {
        "first_name_key": "L220",
        "last_name_key": "W252",
        "first_initial": "l",
    }
    assert person_keys("", "Smith")["first_initial"] == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2015, 3, 4), dt.date(2015, 4, 3)),
        (dt.date(2015, 12, 1), dt.date(2015, 1, 12)),
        (dt.date(2015, 3, 13), None),  # no 13th month
        (dt.date(2015, 5, 5), None),  # the same date
        (None, None),
    ],
)
def test_swapped_day_month(value, expected):
    assert swapped_day_month(value) == expected


def test_search_terms_keep_only_the_digits_of_an_nhs_number():
    assert SearchTerms(nhs_number=" 943-476 5919 ").nhs_number == "9434765919"


@pytest.mark.parametrize(
    ("terms", "empty"),
    [
        (SearchTerms(), True),
        (SearchTerms(first_name=" ", last_name="-'"), True),
        (SearchTerms(nhs_number="n/a"), True),
        (SearchTerms(last_name="Li"), False),
        (SearchTerms(date_of_birth=BORN), False),
    ],
)
def test_search_terms_are_empty_without_a_letter_digit_or_date(terms, empty):
    assert terms.is_empty is empty


def person(first_name, last_name="Smith", date_of_birth=BORN, **fields):
    """An unsaved person: `score` reads attributes only."""
    return Person(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, **fields)


def strength(searched_first, recorded_first):
    points, _ = score(person(recorded_first), SearchTerms(searched_first, "Smith", BORN))
    return Candidate(person=None, score=points, reasons=()).strength


@pytest.mark.parametrize(
    ("searched", "recorded"),
    [
        ("Muhammad", "Mohammed"),
        ("Kathryn", "Catherine"),
        ("Caitlin", "Kaitlyn"),
        ("Jemma", "Gemma"),
        ("Filipa", "Philippa"),
        ("Jon", "John"),
        ("Isabelle", "Isobel"),
        ("Steven", "Stephen"),
        ("Zoey", "Zoe"),
        ("Hayley", "Hailey"),
        ("J", "John"),
    ],
)
def test_first_name_variants_with_same_surname_and_dob_are_strong(searched, recorded):
    assert strength(searched, recorded) == "Strong match"


@pytest.mark.parametrize(
    ("searched", "recorded"),
    [
        ("Olivia", "Oliver"),  # twins
        ("James", "Jack"),
        ("Cole", "Chloe"),
        ("Jordan", "Gordon"),
        ("Harriet", "Harry"),
        ("Kyle", "Cole"),
        ("E", "John"),
    ],
)
def test_different_first_names_with_same_surname_and_dob_are_not_strong(searched, recorded):
    assert strength(searched, recorded) != "Strong match"


def test_exact_match_scores_99_with_reasons():
    assert score(person("John"), SearchTerms("John", "Smith", BORN)) == (
        99,
        ("Same last name", "Same first name", "Same date of birth"),
    )


def test_same_nhs_number_scores_100_even_with_other_names():
    recorded = person("John", nhs_number="9434765919")

    assert score(recorded, SearchTerms("Amir", "Khan", nhs_number="9434765919")) == (
        100,
        ("Same NHS number",),
    )


def test_different_nhs_number_costs_40_points():
    recorded = person("John", nhs_number="9434765919")

    points, reasons = score(recorded, SearchTerms("John", "Smith", BORN, "4010232137"))

    assert points == 60  # 100 before the penalty
    assert reasons[-1] == "Different NHS number"


@pytest.mark.parametrize(
    ("recorded_dob", "points", "reason"),
    [
        (dt.date(2015, 4, 3), 85, "Date of birth with day and month swapped"),
        (dt.date(2013, 3, 4), 70, "Same birthday, different year"),
        (dt.date(2015, 3, 14), 65, "Date of birth within a month"),
        (dt.date(2015, 9, 4), 65, "Date of birth differs only in the month"),
        (dt.date(2009, 8, 30), 25, "Different date of birth"),
    ],
)
def test_dates_of_birth_that_differ_score_less_than_the_same_date(recorded_dob, points, reason):
    assert score(
        person("John", date_of_birth=recorded_dob), SearchTerms("John", "Smith", BORN)
    ) == (
        points,
        ("Same last name", "Same first name", reason),
    )


def test_surname_change_with_same_first_name_and_dob_is_possible():
    points, reasons = score(person("Amara", "Obi"), SearchTerms("Amara", "Johnson", BORN))

    assert (points, reasons) == (70, ("Same first name", "Same date of birth"))


def test_unknown_date_of_birth_leaves_names_alone_at_most_possible():
    points, _ = score(person("John", date_of_birth=None), SearchTerms("John", "Smith", BORN))

    assert points == 80


@pytest.mark.parametrize(
    ("points", "expected"),
    [(100, "Strong match"), (90, "Strong match"), (89, "Possible match"), (60, "Possible match")]
    + [(59, "Weak match"), (40, "Weak match")],
)
def test_candidate_strength_bands(points, expected):
    assert Candidate(person=None, score=points, reasons=()).strength == expected
