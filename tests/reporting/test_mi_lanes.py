"""The MI figures counted on several database connections at once (reporting.figures.lanes),
with real separate connections: the data is committed, so every connection can see it."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

import reporting.figures as figures
from referrals import services as referral_services
from referrals.models import Contact
from reporting.figures import contacts_in, lanes, sections_for
from tests.celery_helpers import wait_for
from tests.factories import PersonFactory, TeamFactory, complete_contact
from tests.reporting.mi_data import NOW, QUARTER, make_quarter
from tests.reporting.test_mi_access import QUARTER_QUERY

pytestmark = pytest.mark.django_db(transaction=True)


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _on_threads(monkeypatch, module, name: str, seen: set, together: threading.Barrier) -> None:
    """Note which thread runs `module.name` (a figure's query), wait until the other figures
    given `together` are running too (so each is on its own connection), then run it."""
    real = getattr(module, name)

    def noted(*args, **kwargs):
        seen.add(threading.get_ident())
        together.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, noted)


def test_figures_on_several_connections_are_those_counted_on_one(
    camden, social_work_team, monkeypatch
):
    make_quarter(social_work_team, TeamFactory(name="Other team"))
    one_after_another = sections_for(QUARTER, camden, now=NOW, at_once=1)
    seen: set = set()
    together = threading.Barrier(2, timeout=30)
    for name in ("timeliness_section", "repeat_contact_count"):
        _on_threads(monkeypatch, figures, name, seen, together)
    before = _backends()

    at_once = [sections_for(QUARTER, camden, now=NOW, at_once=n) for n in (2, 3)]

    assert at_once == [one_after_another, one_after_another]
    by_source = one_after_another[0].tables[0]
    assert sum(row["count"] for row in by_source.rows) == 5  # the quarter has figures
    assert len(seen) >= 2  # the two slowest figures ran at once, on two connections
    # Every lane's connection was closed when its thread finished.
    # A closed connection's server process leaves pg_stat_activity a moment later.
    assert wait_for(lambda: _backends() == before, timeout=10), (_backends(), before)


def test_every_lane_counts_as_of_one_snapshot_not_a_row_committed_after_it(
    camden, screening_officer
):
    def receive() -> None:
        try:
            at = timezone.make_aware(dt.datetime(2026, 8, 3, 12))
            contact = complete_contact(
                by=screening_officer, children=[PersonFactory()], received_at=at
            )
            referral_services.contact_submit(contact=contact, by=screening_officer, profile=camden)
        finally:
            connection.close()

    receive()
    both_running = threading.Barrier(2, timeout=30)

    def counted() -> tuple[int, int]:
        # Both lanes wait here for each other: the two counts are on two connections.
        both_running.wait()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return pid, contacts_in(QUARTER).count()

    with lanes.reporting_transaction("default", at_once=2) as run:
        # Committed by another connection once the snapshot was taken and exported.
        late = threading.Thread(target=receive)
        late.start()
        late.join()
        assert Contact.objects.count() == 1
        done = run({"first": counted, "second": counted})

    (first_pid, first), (second_pid, second) = done["first"], done["second"]
    assert first_pid != second_pid
    assert first == second == 1
    assert contacts_in(QUARTER).count() == 2


def test_a_failing_figure_fails_the_page_and_closes_every_lane(camden):
    before = _backends()

    def fails():
        raise ZeroDivisionError

    with (
        pytest.raises(ZeroDivisionError),
        lanes.reporting_transaction("default", at_once=3) as run,
    ):
        run({"fails": fails, "counts": lambda: Contact.objects.count()})

    # A closed connection's server process leaves pg_stat_activity a moment later.
    assert wait_for(lambda: _backends() == before, timeout=10), (_backends(), before)


def test_inside_a_transaction_already_open_the_figures_run_on_its_connection(
    camden, screening_officer
):
    ran_on: set = set()

    def noted():
        ran_on.add(threading.get_ident())
        return Contact.objects.count()

    with transaction.atomic():
        # A row this transaction wrote is one no other connection could see.
        complete_contact(by=screening_officer, children=[PersonFactory()])
        with lanes.reporting_transaction("default", at_once=3) as run:
            done = run({str(n): noted for n in range(6)})

    assert ran_on == {threading.get_ident()}
    assert set(done.values()) == {1}


def test_the_page_counts_on_several_connections_and_still_refuses_others(
    client, camden, service_manager, screening_officer, social_work_team, settings, monkeypatch
):
    settings.COUNCIL_PROFILE = "camden"
    make_quarter(social_work_team, TeamFactory(name="Other team"))
    seen: set = set()
    together = threading.Barrier(2, timeout=30)
    _on_threads(monkeypatch, figures, "timeliness_section", seen, together)
    _on_threads(monkeypatch, figures, "repeat_contact_count", seen, together)

    client.force_login(screening_officer)
    assert client.get("/reporting/" + QUARTER_QUERY).status_code == 403
    assert seen == set()  # refused before any figure was counted
    client.force_login(service_manager)
    response = client.get("/reporting/" + QUARTER_QUERY)

    assert response.status_code == 200
    assert 'class="app-chart__value"' in response.content.decode()
    assert len(seen) == 2  # the two slowest figures, each on its own connection


def test_one_connection_configured_counts_on_the_requests_own(camden, settings):
    settings.MI_CONNECTIONS = 1
    ran_on: set = set()

    def noted():
        ran_on.add(threading.get_ident())
        return Contact.objects.count()

    with lanes.reporting_transaction("default") as run:
        run({str(n): noted for n in range(4)})

    assert ran_on == {threading.get_ident()}


def test_lanes_count_without_parallel_workers_and_one_connection_with_them(
    camden, social_work_team, monkeypatch
):
    make_quarter(social_work_team, TeamFactory(name="Other team"))
    workers: list[str] = []
    real = figures.timeliness_section

    def noted(*args, **kwargs):
        # On whichever connection runs the figure: the request's, or a lane's own.
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            workers.append(cursor.fetchone()[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "timeliness_section", noted)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        server = cursor.fetchone()[0]

    sections_for(QUARTER, camden, now=NOW, at_once=2)
    sections_for(QUARTER, camden, now=NOW, at_once=1)

    assert server != "0"
    assert workers == ["0", server]
