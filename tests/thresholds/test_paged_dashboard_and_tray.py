"""The dashboard's table of workers and a work tray's lists page (each on its own parameter),
in the same number of queries however long they grow; junk page numbers never fail."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.enums import Rag
from tests.factories import UserFactory, complete_contact
from thresholds import services
from thresholds.models import ClockKind
from workspace import dashboard, views

JUNK = ["abc", "0", "-1", "99999999", ""]


def clock(profile, by, responsible, minutes=0):
    return services.deadline_start(
        profile=profile,
        kind=ClockKind.RED_CHECKS,
        by=None,
        contact=complete_contact(by=by, children=[]),
        responsible=responsible,
        rag=Rag.RED,
        started_at=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC) - dt.timedelta(minutes=minutes),
    )


def counted(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_table_of_workers_pages_in_a_fixed_number_of_queries(
    client, monkeypatch, camden, screening_officer, mash_manager
):
    monkeypatch.setattr(dashboard, "WORKERS_PAGE_SIZE", 2)
    workers = [UserFactory(roles=[Role.MASH_SOCIAL_WORKER]) for _ in range(5)]
    clock(camden, screening_officer, workers[0])
    client.force_login(mash_manager)
    client.get("/dashboard/")  # warm the process caches
    few, _ = counted(client, "/dashboard/")
    for minutes, worker in enumerate(workers[1:], start=1):
        clock(camden, screening_officer, worker, minutes)

    many, response = counted(client, "/dashboard/")

    assert many == few
    assert len(response.context["workers"].object_list) == 2
    html = response.content.decode()
    assert 'aria-label="Pages of workers"' in html and "Page 1 of 3" in html
    _, last = counted(client, "/dashboard/", workers=3)
    assert len(last.context["workers"].object_list) == 1


@pytest.mark.parametrize("number", JUNK)
def test_junk_worker_and_clock_page_numbers_show_a_page(client, mash_manager, number):
    client.force_login(mash_manager)

    _, response = counted(client, "/dashboard/", workers=number, page=number)

    assert response.context["workers"].number == 1


def test_a_work_tray_pages_its_clocks_in_a_fixed_number_of_queries(
    client, monkeypatch, camden, screening_officer, senior_practitioner
):
    monkeypatch.setattr(views, "TRAY_PAGE_SIZE", 2)
    clock(camden, screening_officer, senior_practitioner)
    client.force_login(senior_practitioner)
    url = reverse("work_tray")
    client.get(url)
    few, _ = counted(client, url)
    for minutes in range(1, 5):
        clock(camden, screening_officer, senior_practitioner, minutes)

    many, response = counted(client, url)

    assert many == few
    assert len(response.context["clocks"]) == 2
    assert 'aria-label="Pages of your clocks"' in response.content.decode()
    _, last = counted(client, url, clocks=3)
    assert len(last.context["clocks"]) == 1


@pytest.mark.parametrize("number", JUNK)
def test_a_work_tray_survives_junk_page_numbers(
    client, monkeypatch, camden, screening_officer, senior_practitioner, number
):
    monkeypatch.setattr(views, "TRAY_PAGE_SIZE", 1)
    for minutes in range(2):
        clock(camden, screening_officer, senior_practitioner, minutes)
    client.force_login(senior_practitioner)

    _, response = counted(client, reverse("work_tray"), clocks=number, contacts=number)

    assert len(response.context["clocks"]) == 1


def test_a_trays_first_clocks_are_its_whole_list_cut_in_due_order(
    camden, screening_officer, senior_practitioner
):
    """`upto` reads each way of answering for a clock (by name, by role) from its own index:
    the first clocks are the same rows in the same order as the whole list's."""
    from django.db.models import Q

    from thresholds import selectors

    other = UserFactory(roles=[Role.SENIOR_PRACTITIONER])
    named = [clock(camden, screening_officer, senior_practitioner, m) for m in (5, 1)]
    unnamed = clock(camden, screening_officer, None, 3)
    unnamed.responsible_role = Role.SENIOR_PRACTITIONER
    unnamed.save()
    clock(camden, screening_officer, other, 4)  # another worker's: never listed

    def listed(upto):
        rows = selectors.clocks_for_user(senior_practitioner, visible=Q(), upto=upto)
        return [c.pk for c in rows]

    whole = listed(None)
    assert whole == [named[0].pk, unnamed.pk, named[1].pk]
    for upto in (1, 2, 3, 10):
        assert listed(upto)[:upto] == whole[:upto]


def test_a_trays_pages_are_read_by_the_ids_the_count_found_or_cut_at_the_pages_end(
    camden, screening_officer, senior_practitioner, monkeypatch
):
    """The tray's clocks page by page (`ClocksPaged`): every page is the whole list's rows in
    the whole list's order, counted ahead as far as the paginator's bound; a page within the
    count is read by the ids the count found (no second union of the ways), and a page read
    without a count cuts each way of answering for a clock at the page's end."""
    from django.db.models import Q

    from core import paging
    from core.paging import lookahead_page
    from thresholds import selectors

    monkeypatch.setattr(paging, "PAGES_AHEAD", 1)
    named = [clock(camden, screening_officer, senior_practitioner, m) for m in (5, 1, 7, 2)]
    for minutes in (3, 6):
        unnamed = clock(camden, screening_officer, None, minutes)
        unnamed.responsible_role = Role.SENIOR_PRACTITIONER
        unnamed.save()
    whole = [c.pk for c in selectors.clocks_for_user(senior_practitioner, visible=Q())]
    paged = selectors.ClocksPaged(senior_practitioner, visible=Q())

    assert len(whole) == 6 and named
    pages = [lookahead_page(paged, 2, str(n)) for n in (1, 2, 3)]
    assert [[c.pk for c in p.object_list] for p in pages] == [whole[0:2], whole[2:4], whole[4:6]]
    assert pages[0].paginator.count == 4 and pages[0].paginator.more  # two pages, then "more"
    assert pages[2].paginator.count == 6 and not pages[2].paginator.more
    with CaptureQueriesContext(connection) as queries:
        assert [c.pk for c in paged[2:4]] == whole[2:4]
    (statement,) = [q["sql"] for q in queries.captured_queries]
    assert "UNION" not in statement.upper()

    uncounted = selectors.ClocksPaged(senior_practitioner, visible=Q())
    with CaptureQueriesContext(connection) as queries:
        assert [c.pk for c in uncounted[0:2]] == whole[0:2]
    (statement,) = [q["sql"] for q in queries.captured_queries]
    assert " LIMIT 2)" in statement and " LIMIT 5)" not in statement


def test_a_clock_stopped_between_the_count_and_the_page_is_not_listed(
    camden, screening_officer, senior_practitioner
):
    from django.db.models import Q

    from thresholds import selectors
    from thresholds.models import Deadline

    for minutes in (1, 2, 3):
        clock(camden, screening_officer, senior_practitioner, minutes)
    whole = [c.pk for c in selectors.clocks_for_user(senior_practitioner, visible=Q())]
    paged = selectors.ClocksPaged(senior_practitioner, visible=Q())
    assert paged.count_upto(10) == 3
    Deadline.objects.filter(pk=whole[1]).update(met_at=dt.datetime.now(dt.UTC))

    assert [c.pk for c in paged[0:3]] == [whole[0], whole[2]]


def test_counts_over_a_filter_that_matches_nothing_are_zero(camden, screening_officer):
    from django.db.models import Q

    from thresholds import selectors

    clock(camden, screening_officer, None)

    counts = selectors.deadline_counts(selectors.open_deadlines_for(Q(pk__in=[])))

    assert (counts.total, counts.by_team, counts.by_responsible) == (0, [], [])


def test_a_count_far_down_the_list_only_counts_and_its_page_cuts_each_way(
    camden, screening_officer, senior_practitioner, monkeypatch
):
    """A page asked for far down the list (or the last page, by a junk number) counts without
    keeping every id a role's clocks have; its page is read by the ways cut at its end."""
    from django.db.models import Q

    from thresholds import selectors

    for minutes in (1, 2, 3):
        clock(camden, screening_officer, senior_practitioner, minutes)
    whole = [c.pk for c in selectors.clocks_for_user(senior_practitioner, visible=Q())]
    paged = selectors.ClocksPaged(senior_practitioner, visible=Q())
    monkeypatch.setattr(paged, "KEEP_IDS_UP_TO", 2)

    assert paged.count_upto(10) == 3
    with CaptureQueriesContext(connection) as queries:
        assert [c.pk for c in paged[0:3]] == whole
    (statement,) = [q["sql"] for q in queries.captured_queries]
    assert " LIMIT 3)" in statement
