"""Template filters for clocks. A builtin (settings.TEMPLATES), like core's govuk filters."""

import datetime as dt

from django import template
from django.utils import timezone

from thresholds.clock import describe_remaining

register = template.Library()


@register.filter
def time_left(due: dt.datetime, now: dt.datetime | None = None) -> str:
    """'3 hours 20 minutes left' or 'overdue by 1 hour', in elapsed time."""
    return describe_remaining(now or timezone.now(), due) if due else ""


@register.filter
def overdue_by(due: dt.datetime, now: dt.datetime | None = None) -> str:
    """After an "Overdue" tag: 'by 1 hour' (the tag says overdue; the words do not repeat it)."""
    text = time_left(due, now)
    return text.removeprefix("overdue ")
