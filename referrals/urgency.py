"""A queue "most urgent clock first", read a page at a time from the clocks' due-time index.

The order (referrals.selectors.queue_for_status): each contact's earliest open clock, contacts
without one last, then arrival. Sorting the contacts themselves by it computed every waiting
contact's earliest clock (and probed its grants) before the page was cut: 22,000 contacts
awaiting an early help decision or 25,000 with the MASH on a large council, 100-500 ms a page.

Here the page's contacts are found by walking the open clocks in due order (index
deadline_open_due_counted), keeping each contact's earliest clock only and only the contacts the queue
holds, until the page is full: a few hundred clocks for the first page. Contacts without an
open clock follow, oldest first. Then the page's 50 contacts are read with everything the list
shows.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.db import without_parallel_workers
from thresholds.models import Deadline

from .models import Contact


def _earlier_open_clock() -> Exists:
    """Another open clock of the same contact that comes first (due earlier, or due at the same
    time and made earlier): the clock it belongs to is not its contact's earliest."""
    return Exists(
        Deadline.objects.open()
        .filter(contact_id=OuterRef("contact_id"))
        .filter(
            Q(due_at__lt=OuterRef("due_at")) | Q(due_at=OuterRef("due_at"), pk__lt=OuterRef("pk"))
        )
    )


def _open_clock() -> Exists:
    return Exists(Deadline.objects.open().filter(contact_id=OuterRef("pk")))


class MostUrgentFirst:
    """The contacts of a queue (a queryset of contacts, filtered, annotated and with its
    prefetches) in most-urgent-first order, for a Paginator: `count()` and slices."""

    def __init__(self, queue: QuerySet[Contact]):
        self.queue = queue
        self._members = queue.order_by().values("pk")

    def count(self) -> int:
        return self._members.count()

    def count_upto(self, bound: int) -> int:
        """How many contacts, counted no further than `bound` (core.paging.LookaheadPaginator)."""
        return self._members[:bound].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Contact]:
        if not isinstance(key, slice) or key.step not in (None, 1) or key.stop is None:
            raise TypeError("MostUrgentFirst reads bounded slices of rows only")
        start = key.start or 0
        size = key.stop - start
        if size <= 0:
            return []
        ids = self._clocked(start, size)
        if len(ids) < size:
            # Past the contacts with a clock: those without one, oldest first. (Read only
            # then: finding that none is without a clock reads the whole queue.)
            skip = 0 if ids else max(0, start - self._clocked_count())
            ids += self._unclocked(skip, size - len(ids))
        rows = self.queue.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def _clocked(self, offset: int, limit: int) -> list[int]:
        clocks = (
            Deadline.objects.open()
            .filter(contact__in=self._members)
            .exclude(_earlier_open_clock())
            .order_by("due_at", "contact__received_at", "contact_id")
            .values_list("contact_id", flat=True)[offset : offset + limit]
        )
        # A walk that stops after a page.
        with without_parallel_workers():
            return list(clocks)

    def _clocked_count(self) -> int:
        return self._members.filter(_open_clock()).count()

    def _unclocked(self, offset: int, limit: int) -> list[int]:
        return list(
            self._members.exclude(_open_clock())
            .order_by("received_at", "pk")
            .values_list("pk", flat=True)[offset : offset + limit]
        )
