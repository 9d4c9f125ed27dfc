"""A most-urgent-first queue read a page at a time (referrals.urgency) lists the same contacts in
the same order as the queue's own ordering: earliest open clock first, contacts without one
last and oldest first."""

import datetime as dt

import pytest
from django.db.models import Min
from django.utils import timezone

from core.paging import lookahead_page
from mash.selectors import mash_queue
from referrals import urgency
from referrals.models import Contact
from referrals.urgency import MostUrgentFirst
from tests.factories import contact_with_mash
from thresholds import services as clocks
from thresholds.models import ClockKind, Deadline


def received(ago: list[dt.timedelta], *, officer, senior, profile) -> list:
    """Contacts with the MASH received `ago`."""
    now = timezone.now()
    return [
        contact_with_mash(officer=officer, senior=senior, profile=profile, received_at=now - a)
        for a in ago
    ]


@pytest.fixture
def queue(camden, screening_officer, senior_practitioner, mash_manager):
    """Five contacts with the MASH received a day apart, two without a running clock."""
    contacts = received(
        [dt.timedelta(days=days) for days in (1, 5, 3, 2, 4)],
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
    )
    for stopped in (contacts[1], contacts[3]):
        clocks.deadlines_close_for_contact(contact=stopped, by=None, reason="Test", keep=())
    return contacts


def pks(rows) -> list[int]:
    return [c.pk for c in rows]


def test_every_page_lists_the_queues_own_order(queue, mash_manager):
    expected = pks(mash_queue(mash_manager))
    urgent = MostUrgentFirst(mash_queue(mash_manager))

    assert len(expected) == 5 and urgent.count() == 5
    # Pages of two: one all clocked, one across the edge, one of contacts without a clock.
    assert [pks(urgent[i : i + 2]) for i in range(0, 6, 2)] == [
        expected[0:2],
        expected[2:4],
        expected[4:6],
    ]
    assert pks(urgent[3:5]) == expected[3:5]  # starting past the clocked contacts
    assert pks(urgent[5:7]) == []


def test_contacts_without_a_running_clock_come_last_oldest_first(queue, mash_manager):
    rows = pks(MostUrgentFirst(mash_queue(mash_manager))[0:5])

    assert rows[3:] == [queue[1].pk, queue[3].pk]  # received 5 and 2 days ago


def test_a_filtered_queue_pages_only_its_own_contacts(queue, mash_manager):
    expected = pks(mash_queue(mash_manager, "unopened"))

    page = lookahead_page(MostUrgentFirst(mash_queue(mash_manager, "unopened")), 2, "2")

    assert pks(page.object_list) == expected[2:4]
    assert page.paginator.count == len(expected)


# The walk of the open clocks (MostUrgentFirst._walked) against the planner's own read
# (MostUrgentFirst._planned): the same contacts in the same order, whichever finds them.


@pytest.fixture
def crowded(camden, screening_officer, senior_practitioner, mash_manager):
    """Eight contacts with the MASH, received an hour apart, whose open clocks fall due in
    three crowds (several contacts due at one time), some contacts with two open clocks, and a
    contact that has left the queue (screened out, its clock still open) due first of all."""
    now = timezone.now()
    contacts = received(
        [dt.timedelta(hours=hours) for hours in (3, 8, 1, 6, 2, 7, 4, 5)],
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
    )
    soon = now + dt.timedelta(hours=2)
    crowds = [soon, soon, soon + dt.timedelta(hours=1), soon, soon + dt.timedelta(hours=1)]
    crowds += [soon + dt.timedelta(hours=3)] * 3
    for contact, due in zip(contacts, crowds, strict=True):
        contact.deadlines.filter(closed_at__isnull=True, met_at__isnull=True).update(due_at=due)
    # Two open clocks for two of them (the second due later: not what orders them).
    for contact in contacts[:2]:
        clock = contact.deadlines.filter(closed_at__isnull=True, met_at__isnull=True).first()
        clock.pk = None
        clock.kind = ClockKind.DISAGREEMENT
        clock.due_at = soon + dt.timedelta(days=2)
        clock.save()
    left = contacts[-1]
    Contact.objects.filter(pk=left.pk).update(status="closed")
    left.deadlines.update(started_at=now - dt.timedelta(days=2), due_at=now - dt.timedelta(days=1))
    return contacts


def earliest(contact):
    return Deadline.objects.open().filter(contact=contact).aggregate(Min("due_at"))["due_at__min"]


@pytest.mark.parametrize("step", [1, 2, 3, 400])
def test_the_walk_finds_every_page_the_planner_does(crowded, mash_manager, monkeypatch, step):
    """In steps of one clock and up (each step twice the last), stopping inside a crowd."""
    monkeypatch.setattr(urgency, "WALK_FIRST", 0)
    monkeypatch.setattr(urgency, "WALK_FIRST_AT_LEAST", step)
    urgent = MostUrgentFirst(mash_queue(mash_manager))
    clocked = urgent._clocked_count()

    assert clocked == 7
    for wanted in range(1, clocked + 2):
        walked = urgent._walked(wanted)
        assert walked == urgent._planned(0, wanted), wanted
    # Within a crowd due at one time, the earlier received first, then the next crowd.
    assert urgent._walked(7) == pks(sorted(crowded[:7], key=lambda c: (earliest(c), c.received_at)))


def test_a_queue_holding_few_of_the_clocks_is_read_the_planners_way(
    crowded, mash_manager, monkeypatch
):
    """A walk that would read many clocks for a few contacts (here: at most two clocks per
    contact wanted, and the first clock is a contact the queue no longer holds) gives up, and
    the page is the planner's read."""
    monkeypatch.setattr(urgency, "WALK_FIRST", 1)
    monkeypatch.setattr(urgency, "WALK_FIRST_AT_LEAST", 1)
    monkeypatch.setattr(urgency, "WALK_MOST", 2)
    monkeypatch.setattr(urgency, "WALK_MOST_AT_LEAST", 1)
    urgent = MostUrgentFirst(mash_queue(mash_manager))

    assert urgent._walked(3) is None
    assert pks(urgent[0:3]) == urgent._planned(0, 3) == pks(mash_queue(mash_manager))[0:3]


def test_a_walk_that_meets_none_of_the_queues_contacts_gives_up_after_its_first_clocks(
    crowded, mash_manager, monkeypatch
):
    """The first clock due is a contact the queue no longer holds: a walk allowed many clocks
    per contact wanted gives up once it has read WALK_UNSEEN clocks without meeting one of the
    queue's (at a large council the MASH queue's come after 2,556 early help clocks), and the
    page is the planner's read."""
    monkeypatch.setattr(urgency, "WALK_FIRST", 1)
    monkeypatch.setattr(urgency, "WALK_FIRST_AT_LEAST", 1)
    urgent = MostUrgentFirst(mash_queue(mash_manager))

    monkeypatch.setattr(urgency, "WALK_UNSEEN", 1)
    assert urgent._walked(1) is None
    assert pks(urgent[0:1]) == urgent._planned(0, 1) == pks(mash_queue(mash_manager))[0:1]
    # Allowed to read past the contact that left (its clocks), the walk meets the queue's
    # contacts and finds the page itself.
    monkeypatch.setattr(urgency, "WALK_UNSEEN", 50)
    assert urgent._walked(1) == urgent._planned(0, 1)


def test_a_walk_that_ends_settles_every_contact_it_saw(crowded, mash_manager):
    urgent = MostUrgentFirst(mash_queue(mash_manager))

    assert urgent._walked(50) == urgent._planned(0, 50)
    assert len(urgent._walked(50)) == 7


def test_a_deep_page_is_read_the_planners_way(crowded, mash_manager, monkeypatch):
    monkeypatch.setattr(urgency, "WALK_DEEPEST", 2)
    urgent = MostUrgentFirst(mash_queue(mash_manager))

    assert urgent._walked(2) is not None
    assert urgent._walked(3) is None
    assert pks(urgent[2:4]) == pks(mash_queue(mash_manager))[2:4]
