"""The subject access clock: one calendar month from receipt (UK GDPR Article 12(3)).

The ICO's rule: the time limit starts on the day the request is received and ends on the
corresponding calendar date of the next month (received 3 September, due 3 October); when
the next month has no such date, the last day of that month (31 January -> 28 or 29
February); and when that date falls on a weekend or a bank holiday, the next working day.
An extension of up to two further months is counted the same way from receipt. Council
closure days do not move a statutory date, so only weekends and English bank holidays do.
"""

import calendar
import datetime as dt

from thresholds.clock import is_working_day, next_working_day

MAX_EXTENSION_MONTHS = 2


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """The corresponding date `months` later, or the last day of that month if there is none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_on: dt.date, months: int = 1) -> dt.date:
    """When a response received on `received_on` is due, `months` calendar months on."""
    corresponding = add_calendar_months(received_on, months)
    if is_working_day(corresponding):
        return corresponding
    return next_working_day(corresponding)
