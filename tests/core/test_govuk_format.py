import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.templatetags.govuk import govuk_date, govuk_datetime, nhs_number_display

UTC = dt.UTC


@pytest.mark.parametrize(
    "utc,shown",
    [
        (dt.datetime(2026, 11, 24, 15, 5, tzinfo=UTC), "24 November 2026 at 3:05pm"),  # GMT
        (dt.datetime(2026, 7, 1, 14, 5, tzinfo=UTC), "1 July 2026 at 3:05pm"),  # BST: UTC+1
        (
            dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
            "29 March 2026 at 12:59am",
        ),  # just before the change
        (
            dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
            "29 March 2026 at 2:00am",
        ),  # clocks went forward
        (dt.datetime(2026, 6, 1, 11, 0, tzinfo=UTC), "1 June 2026 at midday"),
        (dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "1 January 2026 at midnight"),
    ],
)
def test_times_are_shown_in_london_in_govuk_style(utc, shown):
    assert govuk_datetime(utc) == shown


def test_dates_have_no_leading_zero():
    assert govuk_date(dt.date(2026, 4, 3)) == "3 April 2026"
    assert (
        govuk_date(dt.datetime(2026, 10, 25, 23, 30, tzinfo=ZoneInfo("UTC"))) == "25 October 2026"
    )


def test_nhs_number_is_shown_in_groups():
    assert nhs_number_display("9434765919") == "943 476 5919"
    assert nhs_number_display(None) == ""
