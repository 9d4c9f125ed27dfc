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

The walk is ours, not the planner's (`_walked`): PostgreSQL, asked for "the queue's contacts'
earliest clocks, first 50", cannot know that the open clocks belong mostly to the contacts
waiting in queues (it expects the MASH queue's 1 % of contacts to hold 1 % of the clocks,
where they hold a third), so it hashed every open clock against the queue and sorted them:
37 ms at 10,000 open clocks, growing with the clocks. Walking the clocks in due order in
steps, each clock's contact probed against the queue by its primary key as the step is read,
stops after the page: a few hundred probes. A queue that holds too few of the clocks for a
short walk to fill the page (a small or filtered queue) is left to the planner's own plan
(`_planned`), which finds its clocks from its contacts.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from core.db import without_parallel_workers
from core.paging import bounded
from thresholds.models import Deadline

from .models import Contact

# The walk's first step reads this many open clocks per contact wanted (at least the second
# figure), each step after it twice the last; past WALK_MOST per contact (at least its second
# figure) the queue is left to the planner. A queue holding a third of the open clocks (the
# MASH's) fills a page of 50 in the first step.
WALK_FIRST, WALK_FIRST_AT_LEAST = 8, 400
WALK_MOST, WALK_MOST_AT_LEAST = 20, 1_000
# A walk that has read this many clocks without meeting one of the queue's contacts gives up
# at once: the queue's clocks lie further on, past more than a walk should read (at a large
# council the MASH queue's first contact with a clock comes after 2,556 early help clocks).
WALK_UNSEEN = 400
# Deeper than this many contacts (the fourth page of 50), the planner's read is quicker than a
# walk through thousands of clocks (at 10,000 open clocks: 97 against 42 ms for the 11th page).
WALK_DEEPEST = 200


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
        key = bounded(key, "MostUrgentFirst")
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
        walked = self._walked(offset + limit)
        if walked is None:
            return self._planned(offset, limit)
        return walked[offset : offset + limit]

    def _walked(self, wanted: int) -> list[int] | None:
        """The first `wanted` contacts of the queue that have an open clock, most urgent first,
        found by walking the open clocks in due order; None when WALK_MOST clocks per contact
        wanted did not settle them (the queue holds too few of the open clocks for a walk) or
        WALK_UNSEEN clocks held none of the queue's contacts, or when more than WALK_DEEPEST
        are wanted.

        A step reads the next open clocks in (due time, id) order, each with its contact's
        arrival time if the queue holds the contact (a probe by primary key: PostgreSQL
        evaluates it only for the rows the step returns). The first clock seen of a contact is
        its earliest. A contact is settled once the walk has passed its earliest clock's due
        time (every contact due before the last clock read has been seen), or when the walk
        has read every open clock; the settled contacts are ordered as the queue orders them:
        earliest clock, arrival, id."""
        if wanted > WALK_DEEPEST:
            return None
        arrival = Subquery(
            self.queue.order_by().filter(pk=OuterRef("contact_id")).values("received_at")[:1]
        )
        clocks = (
            Deadline.objects.open()
            .filter(contact_id__isnull=False)
            .annotate(queued_at=arrival)
            .order_by("due_at", "pk")
            .values_list("pk", "contact_id", "due_at", "queued_at")
        )
        first: dict[int, tuple] = {}  # contact -> (earliest due time, arrival in the queue or None)
        most = max(wanted * WALK_MOST, WALK_MOST_AT_LEAST)
        step = max(wanted * WALK_FIRST, WALK_FIRST_AT_LEAST)
        walked, last, seen = 0, None, False
        while True:
            ahead = clocks
            if last is not None:
                # From the last clock read on, by the index (an OR of the two arms is read as
                # two bitmaps and sorted whole).
                ahead = ahead.filter(due_at__gte=last[0]).filter(
                    Q(due_at__gt=last[0]) | Q(pk__gt=last[1])
                )
            rows = list(ahead[:step])
            walked += len(rows)
            for _pk, contact, due, queued_at in rows:
                first.setdefault(contact, (due, queued_at))
                seen = seen or queued_at is not None
            ended = len(rows) < step
            if rows:
                last = (rows[-1][2], rows[-1][0])
            settled = sorted(
                (due, queued_at, contact)
                for contact, (due, queued_at) in first.items()
                if queued_at is not None and (ended or due < last[0])
            )
            if ended or len(settled) >= wanted:
                return [contact for _, _, contact in settled[:wanted]]
            if walked >= most or (walked >= WALK_UNSEEN and not seen):
                return None
            step = min(step * 2, most - walked)

    def _planned(self, offset: int, limit: int) -> list[int]:
        """The page as PostgreSQL plans it: for a queue that holds few of the open clocks it
        starts from the queue's contacts."""
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
