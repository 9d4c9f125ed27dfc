"""Paging for lists that grow with the years of records behind them.

Every paged list here uses Django's `Paginator.get_page`: a junk, zero or negative page number
shows the first page and one past the end shows the last, never an error.
"""

from functools import cached_property

from django.core.paginator import Paginator

# How far past the page asked for a `LookaheadPaginator` counts.
PAGES_AHEAD = 10
# A page number beyond this is treated as "the last page" without counting further digits.
MAX_PAGE = 10**7


def _page_number(number) -> int:
    """How far to count for `number`: junk shows page 1; zero, a negative number or a huge one
    shows the last page (as `get_page` does), which needs the whole count."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return 1
    return MAX_PAGE if number < 1 else min(number, MAX_PAGE)


def bounded(key, reader: str) -> slice:
    """A slice of rows a paged reader (a queue's walk, a tray's clocks) can read: a plain
    slice with an end, so that no read is unbounded."""
    if not isinstance(key, slice) or key.step not in (None, 1) or key.stop is None:
        raise TypeError(f"{reader} reads bounded slices of rows only")
    return key


def lookahead_rows(per_page: int, number) -> int:
    """The most rows a `LookaheadPaginator` reads for page `number`: its count stops there and
    its page ends before it, so a list may be cut at this many rows."""
    return (_page_number(number) + PAGES_AHEAD) * per_page + 1


def _countable(rows):
    """What a list's count reads: a queryset's rows as their ids alone, in no order, rather than
    with everything a row shows (a contact's warning probe, its oversight flags, labels):
    SQL the ORM builds in a fraction of the time, and PostgreSQL need not order the rows.
    Lists whose rows are groups, distinct or a compound of queries are counted as they are."""
    query = getattr(rows, "query", None)
    if (
        query is None
        or not hasattr(rows, "values")
        or query.is_sliced
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or any(getattr(a, "contains_aggregate", False) for a in query.annotations.values())
    ):
        return rows
    return rows.order_by().values("pk")


class LookaheadPaginator(Paginator):
    """A paginator that counts rows only as far as a few pages past the one asked for.

    An inbox or a team's queue holds every request or contact it ever had; counting them all
    (with each row's grant probes) cost more than the page itself. This counts at most
    `PAGES_AHEAD` pages beyond `number`, so page 1 counts at most 551 rows; `more` says there
    are further rows past the count ("Page 1 of more than 11"). Asking for a page past the end
    counts that far, and shows the real last page."""

    def __init__(self, object_list, per_page, *, number, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.more = False
        self._bound = lookahead_rows(self.per_page, number)

    @cached_property
    def count(self) -> int:
        # A list read in an order of its own (referrals.urgency) counts through its queryset.
        count_upto = getattr(self.object_list, "count_upto", None)
        if count_upto is not None:
            counted = count_upto(self._bound)
        else:
            counted = _countable(self.object_list)[: self._bound].count()
        if counted >= self._bound:
            self.more = True
            return self._bound - 1
        return counted


def lookahead_page(object_list, per_page: int, number):
    """The page `number` (as it came in the query string) of `object_list`, counted ahead."""
    return LookaheadPaginator(object_list, per_page, number=number).get_page(number)
