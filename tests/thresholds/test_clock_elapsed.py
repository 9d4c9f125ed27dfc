"""Clock hours, calendar days, due_at dispatch and dashboard wording in thresholds.clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from thresholds.clock import (
    LONDON,
    add_calendar_days,
    add_clock_hours,
    describe_remaining,
    due_at,
)


def london(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LONDON, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_utc(result: datetime, expected: datetime) -> None:
    """Same instant, and stored as UTC (not merely an equal instant in another zone)."""
    assert result == expected
    assert result.tzinfo is UTC


# --- Clock hours -----------------------------------------------------------------------


def test_four_clock_hours_across_spring_forward_are_four_real_hours():
    # Saturday 28 March 2026 23:00 GMT; the wall clock reads 04:00 BST on Sunday.
    result = add_clock_hours(london(2026, 3, 28, 23), 4)
    assert_utc(result, utc(2026, 3, 29, 3))
    assert result.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 29, 4)


def test_four_clock_hours_across_fall_back_are_four_real_hours():
    # Saturday 24 October 2026 23:00 BST (22:00 UTC); the wall clock reads 02:00 GMT.
    result = add_clock_hours(london(2026, 10, 24, 23), 4)
    assert_utc(result, utc(2026, 10, 25, 2))
    assert result.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 25, 2)


def test_clock_hours_ignore_weekends_and_bank_holidays():
    assert_utc(add_clock_hours(london(2026, 12, 24, 22), 24), utc(2026, 12, 25, 22))


def test_negative_clock_hours_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_clock_hours(utc(2026, 6, 8, 10), -4)


# --- Calendar days ---------------------------------------------------------------------


def test_three_calendar_days_across_spring_forward_are_71_hours():
    start = london(2026, 3, 27, 12)  # Friday 12:00 GMT
    result = add_calendar_days(start, 3)
    assert_utc(result, utc(2026, 3, 30, 11))  # Monday 12:00 BST
    assert result - start == timedelta(hours=71)


def test_three_calendar_days_across_fall_back_are_73_hours():
    start = london(2026, 10, 23, 12)  # Friday 12:00 BST
    result = add_calendar_days(start, 3)
    assert_utc(result, utc(2026, 10, 26, 12))  # Monday 12:00 GMT
    assert result - start == timedelta(hours=73)


def test_calendar_days_count_weekends_and_bank_holidays():
    assert_utc(add_calendar_days(london(2026, 12, 24, 10), 7), utc(2026, 12, 31, 10))


def test_a_wall_time_missing_on_spring_forward_day_moves_forward_an_hour():
    # 01:30 on Sunday 29 March 2026 does not exist; it becomes 02:30 BST (01:30 UTC).
    result = add_calendar_days(london(2026, 3, 28, 1, 30), 1)
    assert_utc(result, utc(2026, 3, 29, 1, 30))
    assert result.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 29, 2, 30)


def test_an_ambiguous_wall_time_on_fall_back_day_is_the_first_bst_one():
    # 01:30 happens twice on Sunday 25 October 2026; fold=0 picks 01:30 BST (00:30 UTC).
    assert_utc(add_calendar_days(london(2026, 10, 24, 1, 30), 1), utc(2026, 10, 25, 0, 30))


def test_a_start_in_the_repeated_hour_keeps_its_wall_time_the_next_day():
    # Both 01:30s on 25 October (BST and GMT) become 01:30 GMT on Monday 26 October.
    assert_utc(add_calendar_days(london(2026, 10, 25, 1, 30), 1), utc(2026, 10, 26, 1, 30))
    second = london(2026, 10, 25, 1, 30, fold=1)
    assert second.utcoffset() == timedelta(0)
    assert_utc(add_calendar_days(second, 1), utc(2026, 10, 26, 1, 30))


def test_negative_calendar_days_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_calendar_days(utc(2026, 6, 8, 10), -1)


# --- due_at ----------------------------------------------------------------------------


def test_due_at_dispatches_clock_hours():
    assert_utc(due_at(london(2026, 3, 28, 23), 4, "clock_hours"), utc(2026, 3, 29, 3))


def test_due_at_dispatches_working_days_with_closures():
    closures = [date(2026, 6, 9)]
    assert_utc(due_at(london(2026, 6, 8, 10), 1, "working_days", closures), utc(2026, 6, 10, 9))


def test_due_at_dispatches_calendar_days():
    assert_utc(due_at(london(2026, 3, 27, 12), 3, "calendar_days"), utc(2026, 3, 30, 11))


def test_due_at_accepts_the_time_unit_enum():
    # TimeUnit is a str enum; importing it needs Django apps, so only this test does.
    from thresholds.models import TimeUnit

    start = london(2026, 12, 24, 10)
    assert_utc(due_at(start, 1, TimeUnit.WORKING_DAYS), utc(2026, 12, 29, 10))
    assert_utc(due_at(start, 2, TimeUnit.CLOCK_HOURS), utc(2026, 12, 24, 12))
    assert_utc(due_at(start, 2, TimeUnit.CALENDAR_DAYS), utc(2026, 12, 26, 10))


@pytest.mark.parametrize("unit", ["clock_hours", "working_days", "calendar_days"])
def test_due_at_zero_amount_is_the_start_in_utc(unit):
    # Saturday in BST: a zero working-day clock does not jump to Monday.
    assert_utc(due_at(london(2026, 6, 13, 10), 0, unit), utc(2026, 6, 13, 9))


def test_due_at_refuses_an_unknown_unit_even_for_zero():
    with pytest.raises(ValueError, match="Unknown time unit 'fortnights'"):
        due_at(utc(2026, 6, 8, 10), 0, "fortnights")


@pytest.mark.parametrize("unit", ["clock_hours", "working_days", "calendar_days"])
def test_due_at_refuses_a_negative_amount(unit):
    with pytest.raises(ValueError, match="amount must not be negative"):
        due_at(utc(2026, 6, 8, 10), -1, unit)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: due_at(naive, 1, "clock_hours"),
        lambda naive: due_at(naive, 1, "working_days"),
        lambda naive: due_at(naive, 0, "calendar_days"),
        lambda naive: add_clock_hours(naive, 1),
        lambda naive: add_calendar_days(naive, 1),
        lambda naive: describe_remaining(naive, utc(2026, 6, 8, 10)),
        lambda naive: describe_remaining(utc(2026, 6, 8, 10), naive),
    ],
)
def test_naive_datetimes_are_refused_everywhere(call):
    with pytest.raises(ValueError, match="timezone-aware datetime, got naive"):
        call(datetime(2026, 6, 8, 10))


# --- describe_remaining ----------------------------------------------------------------

NOW = utc(2026, 6, 8, 10)


@pytest.mark.parametrize(
    ("due", "wording"),
    [
        (NOW + timedelta(hours=3, minutes=20), "3 hours 20 minutes left"),
        (NOW + timedelta(minutes=45), "45 minutes left"),
        (NOW + timedelta(minutes=45, seconds=59), "45 minutes left"),
        (NOW + timedelta(days=2, hours=4, minutes=30), "2 days 4 hours left"),
        (NOW + timedelta(days=1), "1 day left"),
        (NOW + timedelta(hours=1, minutes=1), "1 hour 1 minute left"),
        (NOW + timedelta(hours=2), "2 hours left"),
        (NOW + timedelta(minutes=1), "1 minute left"),
        (NOW - timedelta(hours=1, minutes=5), "overdue by 1 hour 5 minutes"),
        (NOW - timedelta(days=3), "overdue by 3 days"),
        (NOW - timedelta(days=3, minutes=10), "overdue by 3 days"),
        (NOW - timedelta(days=1, hours=1), "overdue by 1 day 1 hour"),
        (NOW - timedelta(minutes=1), "overdue by 1 minute"),
        (NOW, "due now"),
        (NOW + timedelta(seconds=59), "due now"),
        (NOW - timedelta(seconds=59), "due now"),
    ],
)
def test_describe_remaining_wording(due, wording):
    assert describe_remaining(NOW, due) == wording


def test_describe_remaining_is_elapsed_time_across_a_dst_change():
    # Saturday 23:00 GMT to Sunday 04:00 BST on the wall clock is 4 real hours.
    assert describe_remaining(london(2026, 3, 28, 23), london(2026, 3, 29, 4)) == "4 hours left"
