"""Finding whether a person is already known, against real PostgreSQL rows."""

import datetime as dt

import pytest

from referrals.matching import SearchTerms, find_candidates
from tests.factories import PersonFactory

BORN = dt.date(2015, 3, 4)
OTHER_DAY = dt.date(2012, 11, 23)


@pytest.fixture
def person(screening_officer):
    """Make a person through person_create, with no NHS number unless one is given."""

    def make(first_name, last_name, date_of_birth=BORN, **fields):
        fields.setdefault("nhs_number", "")
        return PersonFactory(
            by=screening_officer,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            **fields,
        )

    return make


def search(first_name="", last_name="", date_of_birth=None, nhs_number=""):
    return find_candidates(SearchTerms(first_name, last_name, date_of_birth, nhs_number))


def found(candidates):
    return [c.person for c in candidates]


def test_nhs_number_finds_person_whatever_the_name(person):
    known = person("Amelia", "Hughes", nhs_number="9434765919")
    person("Amelia", "Hughes", OTHER_DAY)

    [best, *_] = search("Jane", "Doe", dt.date(2001, 1, 1), nhs_number="9434765919")

    assert best.person == known
    assert (best.score, best.strength) == (100, "Strong match")
    assert best.reasons == ("Same NHS number",)


def test_nhs_number_written_with_spaces_finds_person(person):
    known = person("Amelia", "Hughes", nhs_number="9434765919")

    assert found(search(nhs_number="943 476 5919")) == [known]


def test_same_name_and_date_of_birth_is_a_strong_match(person):
    known = person("Oliver", "Patel")
    person("Oliver", "Patel", OTHER_DAY)
    person("Harry", "Patel")

    [best, *rest] = search("Oliver", "Patel", BORN)

    assert best.person == known
    assert best.strength == "Strong match"
    assert all(c.strength != "Strong match" for c in rest)


def test_spelling_variant_of_surname_with_same_dob_is_a_strong_match(person):
    known = person("John", "Smith")

    [best] = search("John", "Smyth", BORN)

    assert best.person == known
    assert best.strength == "Strong match"
    assert "Similar last name" in best.reasons


@pytest.mark.parametrize(
    ("recorded", "searched"),
    [
        ("Mohammed", "Muhammad"),
        ("Catherine", "Kathryn"),
        ("Gemma", "Jemma"),
        ("Isobel", "Isabelle"),
    ],
)
def test_spelling_variant_of_first_name_with_same_dob_is_a_strong_match(person, recorded, searched):
    known = person(recorded, "Ahmed")

    [best] = search(searched, "Ahmed", BORN)

    assert best.person == known
    assert best.strength == "Strong match"


def test_variant_first_initial_is_found_without_a_date_of_birth(person):
    known = person("Catherine", "Walsh")
    person("Kevin", "Walsh")

    assert found(search("Kathryn", "Walsh")) == [known]


def test_initial_matches_full_first_name(person):
    known = person("Jessica", "Smith")
    sister = person("Emily", "Smith")

    [best, other] = search("J", "Smith", BORN)

    assert (best.person, other.person) == (known, sister)
    assert (best.strength, other.strength) == ("Strong match", "Weak match")
    assert "Initial matches first name" in best.reasons


def test_full_first_name_matches_a_record_holding_only_an_initial(person):
    known = person("J", "Smith", None)

    [best] = search("Jessica", "Smith", BORN)

    assert best.person == known
    assert best.strength == "Possible match"


def test_swapped_day_and_month_of_birth_still_matches(person):
    known = person("Leah", "Bennett", dt.date(2015, 4, 3))

    [best] = search("Leah", "Bennett", BORN)

    assert best.person == known
    assert best.strength == "Possible match"
    assert "Date of birth with day and month swapped" in best.reasons


def test_names_given_the_wrong_way_round_match(person):
    known = person("Ali", "Hassan")

    [best] = search("Hassan", "Ali", BORN)

    assert best.person == known
    assert best.strength == "Strong match"
    assert best.reasons[0] == "First and last names swapped"


def test_names_given_the_wrong_way_round_match_without_a_date_of_birth(person):
    known = person("Ali", "Hassan", OTHER_DAY)

    assert found(search("Hassan", "Ali")) == [known]


def test_shared_birthday_alone_is_not_a_match(person):
    person("Oliver", "Brown")
    person("George", "Green")
    person("Priya", "Shah")

    assert search("Amelia", "Walker", BORN) == []
    assert search("Olivia", "Hughes", BORN) == []
    assert search(date_of_birth=BORN) == []


def test_twin_with_a_different_first_name_is_only_a_weak_match(person):
    twin = person("Jack", "Turner")

    [only] = search("Emily", "Turner", BORN)

    assert only.person == twin
    assert only.strength == "Weak match"
    assert "Different first name" in only.reasons


def test_unborn_child_matches_on_expected_date_of_birth(person):
    unborn = person("Unborn", "Okafor", None, expected_date_of_birth=dt.date(2025, 6, 1))
    person("Unborn", "Okafor", None, expected_date_of_birth=dt.date(2024, 2, 1))

    [best] = search("Unborn", "Okafor", dt.date(2025, 6, 1))

    # Only the surname and the date can agree, so it is never more than possible.
    assert best.person == unborn
    assert best.strength == "Possible match"
    assert "Same expected date of birth" in best.reasons


def test_newborn_matches_their_unborn_record_near_the_expected_date(person):
    unborn = person("Baby", "Okafor", None, expected_date_of_birth=dt.date(2025, 6, 1))

    [best] = search("Chidi", "Okafor", dt.date(2025, 5, 20))

    assert best.person == unborn
    assert best.strength == "Possible match"
    assert "Born near the expected date of birth" in best.reasons


def test_unborn_search_finds_the_baby_born_since(person):
    baby = person("Chidi", "Okafor", dt.date(2025, 5, 20))

    assert found(search("Unborn", "Okafor", dt.date(2025, 6, 1))) == [baby]


@pytest.mark.parametrize(
    ("recorded", "searched"),
    [
        (("Zoë", "Brontë"), ("Zoe", "Bronte")),
        (("Łukasz", "Wiśniewski"), ("Lukasz", "Wisniewski")),
        (("Siobhán", "O'Brien"), ("Siobhan", "OBrien")),
        (("Siobhan", "O’Brien"), ("Siobhan", "O Brien")),
        (("Mary-Jane", "Smith"), ("Mary Jane", "Smith")),
    ],
)
def test_accents_apostrophes_hyphens_and_spaces_do_not_matter(person, recorded, searched):
    known = person(*recorded, OTHER_DAY)

    without_dob = search(*searched)
    [best] = search(*searched, OTHER_DAY)

    assert found(without_dob) == [known]
    assert best.person == known
    assert best.score == 99


def test_one_half_of_a_double_barrelled_surname_matches(person):
    known = person("Ava", "Smith-Jones")

    [best] = search("Ava", "Jones", BORN)

    assert best.person == known
    assert best.strength == "Strong match"
    assert "Part of the last name matches" in best.reasons


def test_child_known_by_a_middle_name_matches(person):
    known = person("James", "Clarke", middle_names="Oliver")

    [best] = search("Oliver", "Clarke", BORN)

    assert best.person == known
    assert "Matches a middle or known-as name" in best.reasons


@pytest.mark.parametrize(
    "terms",
    [SearchTerms(), SearchTerms(first_name="  ", last_name="-"), SearchTerms(nhs_number="  ")],
)
def test_empty_search_returns_nothing(person, terms, django_assert_num_queries):
    person("John", "Smith")

    with django_assert_num_queries(0):
        assert find_candidates(terms) == []


def test_strong_matches_rank_before_possible_before_weak(person):
    twin = person("Emily", "Wood")
    month_slip = person("Grace", "Wood", dt.date(2015, 8, 4))
    swapped = person("Grace", "Wood", dt.date(2015, 4, 3))
    variant = person("Grace", "Woods")

    ranked = search("Grace", "Wood", BORN)

    assert found(ranked) == [variant, swapped, month_slip, twin]
    assert [c.strength for c in ranked] == ["Strong match"] + ["Possible match"] * 2 + [
        "Weak match"
    ]
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert len({c.score for c in ranked}) == 4


def test_namesake_born_in_another_year_is_listed_only_without_a_date_of_birth(person):
    namesake = person("Grace", "Wood", OTHER_DAY)

    assert search("Grace", "Wood", BORN) == []
    assert found(search("Grace", "Wood")) == [namesake]


def test_different_nhs_number_lowers_an_otherwise_strong_match(person):
    other = person("Noah", "Evans", nhs_number="9434765919")
    unnumbered = person("Noah", "Evans")

    ranked = search("Noah", "Evans", BORN, nhs_number="4010232137")

    assert found(ranked) == [unnumbered, other]
    assert ranked[1].strength == "Possible match"
    assert "Different NHS number" in ranked[1].reasons


def test_names_without_a_date_of_birth_are_never_a_strong_match(person):
    known = person("Freya", "Marshall")
    person("Fiona", "Marshall")

    [best] = search("Freya", "Marshall")

    assert best.person == known
    assert best.strength == "Possible match"
