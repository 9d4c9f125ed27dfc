"""The one-calendar-month clock (ICO): the corresponding date, else the month's last day,
moved to the next working day when it falls on a weekend or bank holiday."""

import datetime as dt

import pytest

from privacy.dates import add_calendar_months, due_date

D = dt.date


@pytest.mark.parametrize(
    "received,months,expected",
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 9, 3), 1, D(2026, 10, 3)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
    ],
)
def test_a_calendar_month_is_the_corresponding_date_or_the_last_day_of_the_month(
    received, months, expected
):
    assert add_calendar_months(received, months) == expected


def test_a_request_received_on_31_january_is_due_on_the_last_day_of_february_if_a_working_day():
    # 29 February 2028 is a Tuesday.
    assert due_date(D(2028, 1, 31)) == D(2028, 2, 29)


def test_a_due_date_on_a_weekend_moves_to_the_next_working_day():
    # 31 January 2026 -> Saturday 28 February 2026 -> Monday 2 March 2026.
    assert due_date(D(2026, 1, 31)) == D(2026, 3, 2)


def test_a_due_date_on_a_bank_holiday_moves_to_the_next_working_day():
    # 25 November 2026 -> Friday 25 December 2026 (Christmas); Boxing Day is a Saturday,
    # observed Monday 28 December, so the next working day is Tuesday 29 December.
    assert due_date(D(2026, 11, 25)) == D(2026, 12, 29)


def test_an_extension_of_two_further_months_counts_three_months_from_receipt():
    # 3 September 2026 + 3 months = Thursday 3 December 2026.
    assert due_date(D(2026, 9, 3), 3) == D(2026, 12, 3)
