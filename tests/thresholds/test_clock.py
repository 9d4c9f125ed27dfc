"""Bank holidays and working days in thresholds.clock (pure: no database, no frozen time)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from thresholds.clock import (
    LONDON,
    add_working_days,
    english_bank_holidays,
    is_working_day,
    next_working_day,
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_utc(result: datetime, expected: datetime) -> None:
    """Same instant, and stored as UTC (not merely an equal instant in another zone)."""
    assert result == expected
    assert result.tzinfo is UTC


# --- English bank holidays (RETURNS.md §4) ---------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
        (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
        (2027, ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    ],
)
def test_english_bank_holidays_are_the_gov_uk_weekday_dates(year, expected):
    assert english_bank_holidays(year) == {date.fromisoformat(f"{year}-{md}") for md in expected}


def test_weekend_originals_listed_by_the_holidays_package_are_dropped():
    # 26 December 2026 is a Saturday; 25 and 26 December 2027 are a Saturday and Sunday.
    assert date(2026, 12, 26) not in english_bank_holidays(2026)
    assert date(2027, 12, 25) not in english_bank_holidays(2027)
    assert date(2027, 12, 26) not in english_bank_holidays(2027)


def test_english_bank_holidays_is_cached_per_year():
    assert english_bank_holidays(2026) is english_bank_holidays(2026)


# --- Working days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 27), True),  # Friday
        (date(2026, 3, 28), False),  # Saturday
        (date(2026, 3, 29), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 12, 28), False),  # Boxing Day (observed)
        (date(2026, 12, 29), True),
    ],
)
def test_is_working_day_skips_weekends_and_bank_holidays(day, working):
    assert is_working_day(day) is working


def test_a_closure_day_is_not_a_working_day():
    assert is_working_day(date(2026, 6, 10)) is True
    assert is_working_day(date(2026, 6, 10), closures=[date(2026, 6, 10)]) is False


def test_is_working_day_refuses_a_datetime_which_would_never_match_a_holiday():
    with pytest.raises(TypeError, match="takes a date"):
        is_working_day(datetime(2026, 12, 25, 9, 0))


def test_next_working_day_is_strictly_after_and_skips_weekend_and_holidays():
    assert next_working_day(date(2026, 6, 10)) == date(2026, 6, 11)
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # Easter
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)


def test_next_working_day_skips_closures():
    closures = {date(2026, 6, 11), date(2026, 6, 12)}
    assert next_working_day(date(2026, 6, 10), closures) == date(2026, 6, 15)


def test_monday_morning_plus_one_working_day_is_tuesday_same_time():
    # 10:00 BST is 09:00 UTC.
    assert_utc(add_working_days(london(2026, 6, 8, 10), 1), utc(2026, 6, 9, 9))


def test_friday_afternoon_plus_one_working_day_is_monday_same_time():
    assert_utc(add_working_days(london(2026, 6, 12, 16), 1), utc(2026, 6, 15, 15))


def test_received_saturday_one_working_day_is_end_of_monday():
    assert_utc(add_working_days(london(2026, 6, 13, 10), 1), utc(2026, 6, 15, 22, 59, 59))


def test_received_sunday_two_working_days_is_end_of_tuesday():
    assert_utc(add_working_days(london(2026, 6, 14, 23, 30), 2), utc(2026, 6, 16, 22, 59, 59))


def test_christmas_eve_plus_one_working_day_skips_christmas_and_boxing_day_observed():
    # Winter: London wall time is UTC.
    assert_utc(add_working_days(london(2026, 12, 24, 10), 1), utc(2026, 12, 29, 10))


def test_three_working_days_across_christmas_2026():
    assert_utc(add_working_days(london(2026, 12, 24, 10), 3), utc(2026, 12, 31, 10))
    assert_utc(add_working_days(london(2026, 12, 23, 14), 3), utc(2026, 12, 30, 14))


def test_ten_working_days_across_christmas_and_new_year_2026_27():
    # 29, 30, 31 Dec; 4, 5, 6, 7, 8, 11, 12 Jan (1 January 2027 is a bank holiday).
    assert_utc(add_working_days(london(2026, 12, 24, 10), 10), utc(2027, 1, 12, 10))


def test_received_on_christmas_day_three_working_days_is_end_of_new_years_eve():
    # The clock starts on Tuesday 29 December, day 1.
    assert_utc(add_working_days(london(2026, 12, 25, 9), 3), utc(2026, 12, 31, 23, 59, 59))


def test_easter_2026_thursday_afternoon_plus_one_working_day_is_tuesday():
    # Good Friday 3 April and Easter Monday 6 April; 15:00 BST is 14:00 UTC.
    assert_utc(add_working_days(london(2026, 4, 2, 15), 1), utc(2026, 4, 7, 14))


def test_received_on_easter_monday_seven_working_days_is_end_of_the_seventh():
    # Tuesday 7 April is day 1: 7, 8, 9, 10, 13, 14, 15 April. 23:59:59 BST is 22:59:59 UTC.
    assert_utc(add_working_days(london(2026, 4, 6, 11), 7), utc(2026, 4, 15, 22, 59, 59))


def test_received_on_spring_bank_holiday_seven_working_days_is_end_of_the_seventh():
    # Tuesday 26 May is day 1: 26, 27, 28, 29 May, 1, 2, 3 June.
    assert_utc(add_working_days(london(2026, 5, 25, 8, 15), 7), utc(2026, 6, 3, 22, 59, 59))


def test_closure_days_are_skipped_like_bank_holidays():
    closures = [date(2026, 6, 9), date(2026, 6, 10)]
    assert_utc(add_working_days(london(2026, 6, 8, 10), 2, closures), utc(2026, 6, 12, 9))


def test_received_on_a_closure_day_starts_the_clock_next_working_day():
    closures = (date(2026, 6, 8),)
    assert_utc(add_working_days(london(2026, 6, 8, 10), 1, closures), utc(2026, 6, 9, 22, 59, 59))


def test_working_days_across_spring_forward_keep_the_wall_time():
    # Friday 10:00 GMT (10:00 UTC) to Monday 10:00 BST (09:00 UTC).
    assert_utc(add_working_days(london(2026, 3, 27, 10), 1), utc(2026, 3, 30, 9))


def test_working_days_across_fall_back_keep_the_wall_time():
    # Friday 10:00 BST (09:00 UTC) to Monday 10:00 GMT (10:00 UTC).
    assert_utc(add_working_days(london(2026, 10, 23, 10), 1), utc(2026, 10, 26, 10))


def test_received_in_the_spring_forward_night_runs_to_end_of_monday_bst():
    # 01:30 UTC on Sunday 29 March 2026 is 02:30 BST, just after the change.
    assert_utc(add_working_days(utc(2026, 3, 29, 1, 30), 1), utc(2026, 3, 30, 22, 59, 59))


@pytest.mark.parametrize("received", [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)])
def test_received_in_either_repeated_hour_of_fall_back_runs_to_end_of_monday_gmt(received):
    # Both instants are 01:30 on the London wall clock (BST, then GMT).
    assert_utc(add_working_days(received, 1), utc(2026, 10, 26, 23, 59, 59))


def test_working_days_read_any_timezone_as_london_wall_time():
    # 18:00 in New York on Friday 12 June is 23:00 BST, still Friday in London.
    new_york = timezone(timedelta(hours=-4))
    start = datetime(2026, 6, 12, 18, tzinfo=new_york)
    assert_utc(add_working_days(start, 1), utc(2026, 6, 15, 22))


def test_utc_start_just_after_midnight_london_is_the_london_day():
    # 23:30 UTC on Friday 12 June is 00:30 BST on Saturday: a weekend receipt.
    assert_utc(add_working_days(utc(2026, 6, 12, 23, 30), 1), utc(2026, 6, 15, 22, 59, 59))


def test_zero_working_days_returns_start_in_utc_even_at_a_weekend():
    assert_utc(add_working_days(london(2026, 6, 13, 10), 0), utc(2026, 6, 13, 9))


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(london(2026, 6, 8, 10), -1)


def test_naive_start_is_refused_for_working_days():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 6, 8, 10), 1)
