"""Words the pages put around numbers, labels, dates and clocks: one way everywhere."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from core.templatetags.govuk import count_of, govuk_when, lower_sentence
from core.text import lower_in_sentence, plural
from thresholds.templatetags.clocks import overdue_by, time_left

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "count,expected", [(0, "0 MERLIN reports"), (1, "1 MERLIN report"), (2, "2 MERLIN reports")]
)
def test_a_count_of_one_is_singular(count, expected):
    assert plural(count, "MERLIN report") == expected
    assert count_of(count, "MERLIN report") == expected


def test_an_irregular_plural_is_given_after_a_comma():
    assert count_of(1, "query,queries") == "1 query"
    assert count_of(3, "query,queries") == "3 queries"


@pytest.mark.parametrize(
    "label,expected",
    [
        ("Everything with the MASH", "everything with the MASH"),
        ("With the MASH manager", "with the MASH manager"),
        ("MASH enquiry (MASH manager)", "MASH enquiry (MASH manager)"),
        ("Referral to a social work team", "referral to a social work team"),
        ("Child in need (CIN) plan", "child in need (CIN) plan"),
        ("Step-parent", "step-parent"),
    ],
)
def test_a_label_lower_cased_mid_sentence_keeps_its_acronyms(label, expected):
    assert lower_in_sentence(label) == expected
    assert lower_sentence(label) == expected


def test_the_mash_queue_caption_keeps_mash_in_capitals():
    html = Template("{{ label|lower_sentence }}").render(
        Context({"label": "Everything with the MASH"})
    )
    assert html == "everything with the MASH"


def test_an_overdue_tag_is_not_followed_by_overdue_again():
    now = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)
    due = now - dt.timedelta(minutes=30)
    html = Template('<strong class="govuk-tag">Overdue</strong> {{ due|overdue_by:now }}').render(
        Context({"due": due, "now": now})
    )
    assert html.endswith("Overdue</strong> by 30 minutes")
    assert "Overdue overdue" not in html
    assert overdue_by(due, now) == "by 30 minutes"
    assert time_left(due, now) == "overdue by 30 minutes"


def test_every_date_and_time_reads_the_govuk_way():
    at = dt.datetime(2026, 3, 5, 14, 5, tzinfo=dt.UTC)
    assert govuk_when(at) == "5 March 2026 at 2:05pm"
    assert govuk_when(dt.date(2026, 3, 5)) == "5 March 2026"
    assert govuk_when("2026-03-05") == "5 March 2026"
    assert govuk_when(at.astimezone(LONDON).isoformat(timespec="minutes")) == (
        "5 March 2026 at 2:05pm"
    )
    assert govuk_when("") == ""
