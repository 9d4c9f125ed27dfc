"""Reads reused by the subject access pages and the dashboard panel."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from .models import SAR_OPEN_STATUSES, SubjectAccessRequest, UnusualAccessReport

OPEN = "open"
OVERDUE = "overdue"
CLOSED = "completed"


def requests_with_due() -> QuerySet[SubjectAccessRequest]:
    """Every request with `due` (the extended date if there is one), soonest first."""
    return (
        SubjectAccessRequest.objects.select_related("person", "identity_verified_by")
        .annotate(due=Coalesce(F("extended_due_on"), F("due_on")))
        .order_by("due", "pk")
    )


def requests_shown(show: str, *, today: dt.date) -> QuerySet[SubjectAccessRequest]:
    qs = requests_with_due()
    if show == OPEN:
        return qs.filter(status__in=SAR_OPEN_STATUSES)
    if show == OVERDUE:
        return qs.filter(status__in=SAR_OPEN_STATUSES, due__lt=today)
    if show == CLOSED:
        return qs.exclude(status__in=SAR_OPEN_STATUSES).order_by("-closed_at", "-pk")
    return qs


@dataclass(frozen=True)
class SarCounts:
    open: int
    due_soon: int
    overdue: int


def sar_counts(*, today: dt.date) -> SarCounts:
    """Open requests, those due within SUBJECT_ACCESS_DUE_SOON_DAYS, and those overdue: one query."""
    soon = today + dt.timedelta(days=settings.SUBJECT_ACCESS_DUE_SOON_DAYS)
    counts = (
        requests_with_due()
        .filter(status__in=SAR_OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            due_soon=Count("pk", filter=Q(due__gte=today, due__lte=soon)),
            overdue=Count("pk", filter=Q(due__lt=today)),
        )
    )
    return SarCounts(**counts)


def due_state(request: SubjectAccessRequest, *, today: dt.date) -> str:
    """overdue / due_soon / "" for an open request (closed ones have no clock)."""
    if request.status not in SAR_OPEN_STATUSES:
        return ""
    due = request.current_due_on
    if due < today:
        return OVERDUE
    if due <= today + dt.timedelta(days=settings.SUBJECT_ACCESS_DUE_SOON_DAYS):
        return "due_soon"
    return ""


def recent_reports(weeks: int = 12) -> QuerySet[UnusualAccessReport]:
    return UnusualAccessReport.objects.annotate(
        found=Count("rows"), people=Count("rows__person", distinct=True)
    ).order_by("-week_start")[:weeks]
