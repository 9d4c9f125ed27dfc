"""One running clock per record, and clocks closed as no longer needed (never met, never breached)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from accounts.models import Notification
from tests.factories import PersonFactory, complete_contact
from thresholds import services
from thresholds.models import OPEN_ONCE, ClockKind, Deadline

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


@pytest.fixture
def contact(screening_officer):
    return complete_contact(by=screening_officer, children=[PersonFactory()])


def start(profile, kind, contact, **kwargs):
    return services.deadline_start(
        profile=profile, kind=kind, by=None, contact=contact, started_at=START, **kwargs
    )


def duplicate_of(deadline: Deadline) -> Deadline:
    copy = Deadline.objects.get(pk=deadline.pk)
    copy.pk = None
    return copy


def test_the_database_refuses_a_second_running_clock_for_the_same_record(camden, contact):
    first = start(camden, ClockKind.RED_CHECKS, contact)
    with pytest.raises(IntegrityError, match=OPEN_ONCE), transaction.atomic():
        duplicate_of(first).save()


def test_a_clock_about_a_subject_is_unique_too_and_per_subject(camden, contact):
    one, other = PersonFactory(), PersonFactory()
    first = start(camden, ClockKind.PARTNER_CHECK, contact, subject=one)
    second = start(camden, ClockKind.PARTNER_CHECK, contact, subject=other)
    assert first != second
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate_of(first).save()


def test_a_clock_with_no_contact_counts_as_the_same_clock(camden):
    """NULLs are not distinct: two contactless clocks of one kind would both run otherwise."""
    first = start(camden, ClockKind.RED_CHECKS, None)
    assert start(camden, ClockKind.RED_CHECKS, None) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate_of(first).save()


def test_a_met_or_closed_clock_lets_the_next_one_start(camden, contact):
    first = start(camden, ClockKind.RED_CHECKS, contact)
    services.deadline_meet(kind=ClockKind.RED_CHECKS, contact=contact, by=None)
    second = start(camden, ClockKind.RED_CHECKS, contact)
    services.deadline_close(kind=ClockKind.RED_CHECKS, contact=contact, by=None, reason="Withdrawn")
    third = start(camden, ClockKind.RED_CHECKS, contact)
    assert len({first.pk, second.pk, third.pk}) == 3


def test_closing_records_when_why_and_who_and_the_clock_stops(camden, contact, senior_practitioner):
    deadline = start(camden, ClockKind.RED_CHECKS, contact)
    closed = services.deadline_close(
        contact=contact, by=senior_practitioner, reason="The referrer withdrew the contact"
    )
    deadline.refresh_from_db()
    assert closed == [deadline]
    assert deadline.closed_at is not None and deadline.met_at is None
    assert deadline.closed_reason == "The referrer withdrew the contact"
    assert not deadline.is_open and deadline.is_closed
    last = deadline.history.first()
    assert last.history_user == senior_practitioner
    assert last.history_change_reason == (
        "Clock closed, no longer needed: The referrer withdrew the contact"
    )
    assert not Deadline.objects.open().exists()


def test_a_closed_clock_never_breaches_nor_warns(camden, contact, team_manager, social_work_team):
    start(camden, ClockKind.RED_CHECKS, contact, team=social_work_team)
    services.deadline_close(contact=contact, by=None, reason="Withdrawn")
    result = services.deadline_sweep(now=START + dt.timedelta(days=3))
    assert (result.breached, result.due_soon) == (0, 0)
    assert not Notification.objects.exists()
    assert Deadline.objects.get().breached_at is None


def test_closing_needs_a_reason_and_a_record(camden, contact):
    with pytest.raises(ValueError):
        services.deadline_close(contact=contact, by=None, reason=" ")
    with pytest.raises(ValueError):
        services.deadline_close(by=None, reason="Withdrawn")


def test_a_closed_contact_keeps_the_clocks_still_owed(camden, contact):
    for kind in (ClockKind.RED_CHECKS, ClockKind.REFERRER_TOLD, ClockKind.CP_WRITTEN_FOLLOW_UP):
        start(camden, kind, contact)
    services.deadlines_close_for_contact(contact=contact, by=None, reason="Closed: NFA")
    running = set(Deadline.objects.open().values_list("kind", flat=True))
    assert running == {ClockKind.REFERRER_TOLD, ClockKind.CP_WRITTEN_FOLLOW_UP}


def test_the_clocks_table_shows_a_closed_clock_as_no_longer_needed(camden, contact):
    start(camden, ClockKind.RED_CHECKS, contact)
    services.deadline_close(contact=contact, by=None, reason="The family moved away")
    html = render_to_string(
        "thresholds/includes/_deadlines.html",
        {"deadlines": Deadline.objects.all(), "now": START},
    )
    assert "No longer needed" in html and "The family moved away" in html
    assert "Overdue" not in html
