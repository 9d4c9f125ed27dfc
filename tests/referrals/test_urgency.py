"""A most-urgent-first queue read a page at a time (referrals.urgency) lists the same contacts in
the same order as the queue's own ordering: earliest open clock first, contacts without one
last and oldest first."""

import datetime as dt

import pytest
from django.utils import timezone

from core.paging import lookahead_page
from mash.selectors import mash_queue
from referrals.urgency import MostUrgentFirst
from tests.factories import contact_with_mash
from thresholds import services as clocks


@pytest.fixture
def queue(camden, screening_officer, senior_practitioner, mash_manager):
    """Five contacts with the MASH received a day apart, two without a running clock."""
    now = timezone.now()
    contacts = [
        contact_with_mash(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            received_at=now - dt.timedelta(days=days),
        )
        for days in (1, 5, 3, 2, 4)
    ]
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
