"""The clocks' tally (thresholds.tally): the overdue dashboard of a manager who watches every
open clock, or their team's, counts from rows the database keeps as the clocks change, and
those counts are always the clocks' own, whatever changed them (started, marked by the sweep
or not yet, met, closed, reassigned, deleted with their contact), folded or not, and with
another connection adding clocks while the sweep folds."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.enums import Rag
from referrals.models import Contact
from tests.factories import TeamFactory, UserFactory, complete_contact
from thresholds import selectors, services, sweep, tally
from thresholds.models import ClockKind, Deadline, DeadlineTally
from workspace import dashboard

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
# Red checks are due 4 working hours after they start (Camden), amber ones in 24 hours.
CASES = [
    # (kind, rag, minutes after START, team?, responsible?)
    (ClockKind.RED_CHECKS, Rag.RED, 0, True, True),
    (ClockKind.RED_CHECKS, Rag.RED, 150, True, False),
    (ClockKind.RED_CHECKS, Rag.RED, 230, False, True),
    (ClockKind.AMBER_CHECKS, Rag.AMBER, 0, True, True),
    (ClockKind.AMBER_CHECKS, Rag.AMBER, 60, False, False),
    (ClockKind.SCREENING, "", 10, True, False),
    (ClockKind.SCREENING, "", 400, False, True),
]


@pytest.fixture
def clocks(camden, screening_officer, mash_social_worker):
    team = TeamFactory(name="Tally team")
    other = TeamFactory(name="Another team")
    worker = UserFactory(team=team)
    made = []
    for kind, rag, minutes, in_team, named in CASES:
        made.append(
            services.deadline_start(
                profile=camden,
                kind=kind,
                by=None,
                contact=complete_contact(by=screening_officer, children=[]),
                team=team if in_team else other,
                responsible=worker if named else None,
                rag=rag,
                started_at=START + dt.timedelta(minutes=minutes),
            )
        )
    # A clock on no contact is not one a manager who reads every contact counts as theirs.
    services.deadline_start(
        profile=camden,
        kind=ClockKind.SCREENING,
        by=None,
        subject=team,
        team=team,
        started_at=START,
    )
    return {"team": team, "other": other, "worker": worker, "clocks": made}


def _parts(team) -> list[Q]:
    return [tally.every_clock_on_a_contact(), tally.team_clocks(team.pk)]


def _agree(part: Q, now: dt.datetime, **filters) -> selectors.DeadlineCounts:
    """The counts from the tally equal those from the clocks; returns them."""
    clocks = selectors.open_deadlines_for(part, now=now, **filters)
    live = selectors.deadline_counts(clocks, now=now)
    tallied = selectors.deadline_counts(
        tally.grouped(tally.tally_of(part), now=now, **filters), now=now
    )
    assert tallied == live, (now, filters)
    return live


def _moments() -> list[dt.datetime]:
    """Either side of every open clock's warning and due times, and long after."""
    minute = dt.timedelta(minutes=1)
    moments = {START, START + dt.timedelta(days=60)}
    for warn_at, due_at in Deadline.objects.open().values_list("warn_at", "due_at"):
        moments |= {warn_at - minute, warn_at + minute, due_at - minute, due_at + minute}
    return sorted(moments)


def _all_agree(team, other):
    for part in _parts(team):
        for now in _moments():
            _agree(part, now)
            _agree(part, now, kind=ClockKind.RED_CHECKS)
            _agree(part, now, rag=Rag.AMBER)
            _agree(part, now, team=team.pk)
            _agree(part, now, team=other.pk)


def test_counts_from_the_tally_are_the_clocks_own_at_every_moment_before_the_sweep(clocks):
    _all_agree(clocks["team"], clocks["other"])
    amber = clocks["clocks"][3]
    assert amber.warn_at < amber.due_at
    every = _agree(tally.every_clock_on_a_contact(), amber.warn_at + dt.timedelta(minutes=1))
    assert every.total == len(CASES)  # not the clock on no contact
    assert every.overdue and every.due_soon and every.on_time


def test_they_stay_the_clocks_own_after_the_sweep_marks_and_each_kind_of_change(clocks):
    team = clocks["team"]
    late = START + dt.timedelta(minutes=300)
    assert sweep.deadline_sweep(now=late).breached
    _all_agree(team, clocks["other"])
    # Met, closed, reassigned to another team and worker, re-rated, moved on in due time,
    # and deleted with its contact.
    first, second, third, fourth, fifth, sixth, _ = clocks["clocks"]
    services.deadline_meet(kind=first.kind, by=None, contact=first.contact, at=late)
    services.deadline_close(by=None, reason="Not needed", contact=second.contact)
    Deadline.objects.filter(pk=third.pk).update(team=team, responsible=None)
    Deadline.objects.filter(pk=fourth.pk).update(rag=Rag.RED)
    Deadline.objects.filter(pk=fifth.pk).update(due_at=late + dt.timedelta(days=30))
    Contact.objects.filter(pk=sixth.contact_id).delete()
    _all_agree(team, clocks["other"])
    assert sweep.deadline_sweep(now=START + dt.timedelta(days=30)).breached
    _all_agree(team, clocks["other"])
    assert DeadlineTally.objects.filter(state="overdue").exists()


def test_the_sweep_folds_the_rows_into_one_per_group_and_the_counts_do_not_change(clocks):
    team = clocks["team"]
    Deadline.objects.update(rag=Rag.RED)  # each amber or unrated clock: a row out, a row in
    groups = DeadlineTally.objects.values(
        "team_id", "responsible_id", "kind", "rag", "on_contact", "state"
    ).distinct()
    assert DeadlineTally.objects.count() > groups.count()
    assert sweep.deadline_sweep(now=START + dt.timedelta(minutes=300)).breached
    assert DeadlineTally.objects.count() == groups.count()
    assert not DeadlineTally.objects.filter(n=0).exists()
    _all_agree(team, clocks["other"])
    # Nothing changed since: the next fold writes nothing.
    with CaptureQueriesContext(connection) as queries:
        tally.compact()
    assert [q["sql"] for q in queries if "DELETE" in q["sql"]] == []


def test_the_dashboard_of_a_manager_who_reads_every_contact_counts_from_the_tally(
    client, clocks, mash_manager
):
    client.force_login(mash_manager)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    sql = [q["sql"] for q in queries]
    assert any('FROM "thresholds_deadlinetally"' in s for s in sql)
    # No count groups every open clock: only those the sweep has yet to mark are read.
    counts = [s for s in sql if 'FROM "thresholds_deadline"' in s and "COUNT(" in s]
    assert counts and all('"thresholds_deadline"."breached_at" IS NULL' in s for s in counts)
    assert page.context["counts"].total == len(CASES)


def test_a_team_managers_own_team_is_counted_from_the_tally_the_rest_from_the_clocks(
    clocks, camden
):
    from accounts.roles import Role

    manager = UserFactory(roles=[Role.TEAM_MANAGER], team=clocks["team"])
    team_part, others = dashboard.watched(manager)
    assert tally.tally_of(team_part) == {"team_id": clocks["team"].pk}
    assert tally.tally_of(others) is None
    # A Q made from a tallied one counts other clocks: it has no tally.
    assert tally.tally_of(team_part & Q(kind="x")) is None
    assert tally.tally_of(~team_part) is None


@pytest.mark.django_db(transaction=True)
def test_clocks_started_on_another_connection_while_the_sweep_folds_are_all_counted(
    camden, screening_officer
):
    """One connection starts clocks in a transaction held open across the fold on another,
    and commits after it: the fold must neither delete nor double its rows."""
    contacts = [complete_contact(by=screening_officer, children=[]) for _ in range(3)]
    services.deadline_start(
        profile=camden, kind=ClockKind.SCREENING, by=None, contact=contacts[0], started_at=START
    )
    Deadline.objects.update(rag=Rag.RED)  # a second row for the group: something to fold
    started, folded = threading.Event(), threading.Event()
    errors = []

    def start_clocks():
        try:
            from django.db import transaction

            with transaction.atomic():
                for contact in contacts[1:]:
                    services.deadline_start(
                        profile=camden,
                        kind=ClockKind.SCREENING,
                        by=None,
                        contact=contact,
                        started_at=START,
                    )
                started.set()
                assert folded.wait(30)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=start_clocks)
    thread.start()
    assert started.wait(30)
    tally.compact()  # this connection: the other's rows are not committed yet
    folded.set()
    thread.join(30)
    assert not errors
    assert Deadline.objects.open().count() == 3
    _agree(tally.every_clock_on_a_contact(), START)
    tally.compact()
    _agree(tally.every_clock_on_a_contact(), START)
    # The first clock re-rated red; the other connection's two, unrated: a row each.
    assert sorted(DeadlineTally.objects.values_list("rag", "n")) == [("", 2), ("red", 1)]
