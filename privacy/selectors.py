"""Reads for the data protection pages: the review queue, holds on a person, tombstones per year."""

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from .models import LegalHold, RecordKind, RetentionReview, ReviewStatus, Tombstone


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
