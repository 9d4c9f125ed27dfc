"""Reads reused by the subject access pages and the dashboard panel."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear

from .models import (
    SAR_OPEN_STATUSES,
    LegalHold,
    RecordKind,
    RetentionReview,
    ReviewStatus,
    SubjectAccessRequest,
    Tombstone,
    UnusualAccessReport,
)

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


# Reads for the data protection pages: the review queue, holds on a person, tombstones per year.
def hold_in_force_on_record() -> Exists:
    """Whether a legal hold is in force on anybody on the review's contact."""
    return Exists(
        LegalHold.objects.filter(
            lifted_at__isnull=True, person__contact_links__contact=OuterRef("contact")
        )
    )


def review_queue() -> QuerySet[RetentionReview]:
    """Reviews still to decide, longest overdue first, each with its contact, rule and hold state."""
    return (
        RetentionReview.objects.filter(status__in=[ReviewStatus.PENDING, ReviewStatus.HELD])
        .select_related("contact", "rule")
        .annotate(held_now=hold_in_force_on_record())
        .order_by("due_since", "pk")
    )


def review_for_decision(pk: int) -> RetentionReview:
    return (
        RetentionReview.objects.select_related("contact", "rule", "decided_by")
        .annotate(held_now=hold_in_force_on_record())
        .get(pk=pk)
    )


def holds_on(person) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(person=person).select_related("placed_by", "lifted_by")


def tombstones_per_year() -> list[dict]:
    """How many records were destroyed, by the year they were received and their kind."""
    rows = list(
        Tombstone.objects.annotate(year=ExtractYear("received_on"))
        .values("year", "kind")
        .annotate(count=Count("pk"))
        .order_by("-year", "kind")
    )
    labels = dict(RecordKind.choices)
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]
