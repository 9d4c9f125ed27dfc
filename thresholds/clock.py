"""Deadline arithmetic for the front door: clock hours, working days and calendar days.

Pure functions: no database, no settings. Callers pass in everything, including the
service's closure days, and store the aware UTC results on Deadline rows.

Working days and calendar days are counted on the Europe/London wall clock because that is
how the procedures are written ("by 10:00 the next working day"); clock hours are elapsed
time because a four-hour clock on a red contact does not stretch or shrink with DST.
"""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

# The values of thresholds.models.TimeUnit, spelt out so this module never imports Django.
CLOCK_HOURS = "clock_hours"
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"

# "By the end of the day": the last whole second, so a deadline stored to the second
# still falls on the right date in London.
END_OF_DAY = time(23, 59, 59)


def _require_aware(value: datetime, name: str) -> None:
    """Raise ValueError unless value is a timezone-aware datetime."""
    # A naive datetime could be UTC or London wall time; guessing would move deadlines by an hour.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}; "
            "pass django.utils.timezone.now() or a datetime with tzinfo."
        )


def _require_not_negative(amount: int, name: str) -> None:
    """Raise ValueError if amount is negative."""
    # Deadlines only run forwards; a negative amount is a data error in a Timescale row.
    if amount < 0:
        raise ValueError(f"{name} must not be negative, got {amount}.")


def _london_wall_to_utc(day: date, wall: time) -> datetime:
    """The UTC instant that a London wall-clock time on day resolves to."""
    # fold=0 makes both DST edge cases deterministic. An ambiguous time (01:30 on the October
    # change day) is its first occurrence, in BST. A time that does not exist (01:30 on the
    # March change day) is read with the pre-transition offset, GMT, so it lands one hour
    # later on the wall clock: 01:30 becomes 02:30 BST. Rounding forward, never back, means
    # a deadline can only gain time.
    local = datetime.combine(day, wall, tzinfo=LONDON).replace(fold=0)
    return local.astimezone(UTC)


# The days a meeting page or a clock may be asked about. Stepping a day or a week from
# date.min or date.max overflows, and the bank holiday calendar is meaningless centuries away.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


@lru_cache(maxsize=32)
def english_bank_holidays(year: int) -> frozenset[date]:
    """Weekday bank holidays in England for year (the gov.uk list)."""
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    # The package lists weekend originals (Boxing Day on Saturday 26 December 2026) as well as
    # the "(observed)" weekday substitutes; only weekday dates are days the service is shut.
    return frozenset(day for day in calendar if day.weekday() < 5)


def is_working_day(day: date, closures: Collection[date] = ()) -> bool:
    """Whether day is a working day: a weekday, not an English bank holiday, not a closure day."""
    # datetime is a subclass of date but never equals one, so a datetime would silently miss
    # every bank holiday and closure day.
    if isinstance(day, datetime):
        raise TypeError(f"is_working_day takes a date, got the datetime {day.isoformat()}.")
    return day.weekday() < 5 and day not in english_bank_holidays(day.year) and day not in closures


def next_working_day(day: date, closures: Collection[date] = ()) -> date:
    """The first working day strictly after day."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate, closures):
        candidate += timedelta(days=1)
    return candidate


def add_working_days(start: datetime, n: int, closures: Collection[date] = ()) -> datetime:
    """Add n working days to start on the London wall clock; returns aware UTC.

    start may be in any timezone; it is read as Europe/London wall time.

    - Received on a working day: the deadline is the same wall time n working days later,
      skipping weekends, English bank holidays and closures (Monday 10:00 + 1 is Tuesday
      10:00; Friday 16:00 + 1 is Monday 16:00).
    - Received on a non-working day: the clock starts at 00:00 on the next working day and
      the deadline is the end (23:59:59) of the nth working day counting that first working
      day as day 1 (Saturday 10:00 + 1 is Monday 23:59:59).
    - n == 0 returns start unchanged, in UTC. Negative n raises ValueError.

    Working days are never DST change days (those are Sundays), so the result's wall time
    always exists; it is still resolved with fold=0 like every London wall time here.
    """
    _require_aware(start, "start")
    _require_not_negative(n, "n")
    if n == 0:
        return start.astimezone(UTC)
    # Callers may pass a queryset-derived list; membership is tested many times below.
    closed = frozenset(closures)
    wall = start.astimezone(LONDON)
    day = wall.date()
    if not is_working_day(day, closed):
        day = next_working_day(day, closed)
        # The first working day is day 1, so only n - 1 more are added.
        for _ in range(n - 1):
            day = next_working_day(day, closed)
        return _london_wall_to_utc(day, END_OF_DAY)
    for _ in range(n):
        day = next_working_day(day, closed)
    return _london_wall_to_utc(day, wall.time())


def add_clock_hours(start: datetime, hours: int) -> datetime:
    """Add hours of elapsed time to start; returns aware UTC.

    Arithmetic is in UTC, so four hours across the spring-forward change is four real hours
    even though the London wall clock moves on five. Negative hours raise ValueError.
    """
    _require_aware(start, "start")
    _require_not_negative(hours, "hours")
    return start.astimezone(UTC) + timedelta(hours=hours)


def add_calendar_days(start: datetime, days: int) -> datetime:
    """Add days to start keeping the London wall time; returns aware UTC.

    Three days across a DST change is 71 (March) or 73 (October) real hours. A wall time that
    does not exist on the target day moves forward an hour (01:30 on the spring-forward day is
    02:30 BST); an ambiguous one is its first occurrence, in BST. Negative days raise
    ValueError.
    """
    _require_aware(start, "start")
    _require_not_negative(days, "days")
    if days == 0:
        return start.astimezone(UTC)
    wall = start.astimezone(LONDON)
    return _london_wall_to_utc(wall.date() + timedelta(days=days), wall.time())


def due_at(start: datetime, amount: int, unit: str, closures: Collection[date] = ()) -> datetime:
    """When a clock of amount units started at start is due, in aware UTC."""
    _require_aware(start, "start")
    # Checked before the amount so a bad Timescale row fails loudly even when amount is 0.
    if unit not in (CLOCK_HOURS, WORKING_DAYS, CALENDAR_DAYS):
        raise ValueError(
            f"Unknown time unit {unit!r}; expected {CLOCK_HOURS!r}, {WORKING_DAYS!r} "
            f"or {CALENDAR_DAYS!r}."
        )
    _require_not_negative(amount, "amount")
    if amount == 0:
        return start.astimezone(UTC)
    if unit == CLOCK_HOURS:
        return add_clock_hours(start, amount)
    if unit == WORKING_DAYS:
        return add_working_days(start, amount, closures)
    return add_calendar_days(start, amount)


def _plural(count: int, noun: str) -> str:
    """'1 hour', '2 hours'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_remaining(now: datetime, due: datetime) -> str:
    """Plain English time left or overdue, for dashboards ('3 hours 20 minutes left')."""
    _require_aware(now, "now")
    _require_aware(due, "due")
    # Both to UTC first: Python subtracts two datetimes sharing a tzinfo (both LONDON) as wall
    # times, which would count the hour skipped or repeated by a DST change.
    delta = due.astimezone(UTC) - now.astimezone(UTC)
    overdue = delta < timedelta(0)
    # Whole minutes, truncated, so the phrase is always true: "45 minutes left" means at
    # least 45 minutes remain, "overdue by 1 hour" means at least an hour has passed.
    total_minutes = int(abs(delta).total_seconds()) // 60
    if total_minutes == 0:
        return "due now"
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    # Two units at most: the largest that is not zero and the one below it, if not zero.
    if days:
        parts = [_plural(days, "day"), _plural(hours, "hour") if hours else ""]
    elif hours:
        parts = [_plural(hours, "hour"), _plural(minutes, "minute") if minutes else ""]
    else:
        parts = [_plural(minutes, "minute")]
    amount = " ".join(part for part in parts if part)
    return f"overdue by {amount}" if overdue else f"{amount} left"
