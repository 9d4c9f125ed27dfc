"""A list that holds years of rows is counted only a few pages past the page asked for."""

import pytest
from django.contrib.auth.models import Group

from core import paging


@pytest.fixture
def rows(db):
    Group.objects.bulk_create(Group(name=f"paging {i:03}") for i in range(40))
    return Group.objects.filter(name__startswith="paging").order_by("name")


def test_page_one_counts_ten_pages_ahead_and_says_there_are_more(rows, monkeypatch):
    monkeypatch.setattr(paging, "PAGES_AHEAD", 2)

    page = paging.lookahead_page(rows, 5, "1")

    assert page.paginator.more and page.paginator.num_pages == 3
    assert [g.name for g in page.object_list] == [f"paging {i:03}" for i in range(5)]
    assert page.has_next()


def test_near_the_end_the_count_is_exact(rows, monkeypatch):
    monkeypatch.setattr(paging, "PAGES_AHEAD", 2)

    page = paging.lookahead_page(rows, 5, "7")

    assert not page.paginator.more and page.paginator.count == 40
    assert page.number == 7 and page.has_next()


@pytest.mark.parametrize(
    "number, expected", [("abc", 1), ("", 1), (None, 1), ("0", 8), ("-1", 8), ("99999999", 8)]
)
def test_junk_zero_negative_and_huge_numbers_show_the_first_or_the_last_page(
    rows, number, expected
):
    page = paging.lookahead_page(rows, 5, number)

    assert page.number == expected


def test_a_page_number_too_large_to_count_to_shows_the_last_page(rows):
    page = paging.lookahead_page(rows, 5, "9" * 40)

    assert page.number == 8 and not page.paginator.more
