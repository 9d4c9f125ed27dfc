"""The queues, inbox, dashboards and trays keep to their indexes: on a generated council of a
modest size, no query a page runs reads contacts, partner requests or clocks sequentially.

The data comes from benchmarks/grants_benchmark.py (the same INSERT ... SELECT over
generate_series that the benchmark runs at 100,000 contacts), then ANALYZE, so the planner
sees the tables' real proportions: a few open contacts and clocks among years of closed ones.
Each page's queries are captured as the page's reads run them and EXPLAINed.
"""

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
# A step of referrals.urgency's walk of the open clocks, and the planner's read it falls back to.
WALK = (
    'SELECT "thresholds_deadline"."id" AS "pk", "thresholds_deadline"."contact_id" AS '
    '"contact_id", "thresholds_deadline"."due_at" AS "due_at", (SELECT'
)
PLANNED = 'SELECT "thresholds_deadline"."contact_id" AS "contact_id" FROM "thresholds_deadline"'
GUARDED = ("referrals_contact", "mash_partnerrequest", "thresholds_deadline")
CONTACTS = 20_000


def _benchmark():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(
        "grants_benchmark", BENCHMARKS / "grants_benchmark.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    """A council of 20,000 contacts loaded once for the module (and removed after it)."""
    bench = _benchmark()
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            people = bench.make_people()
            bench.load(argparse.Namespace(contacts=CONTACTS), people)
            yield bench, people
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_no_page_reads_contacts_requests_or_clocks_sequentially(council):
    bench, people = council
    scanned = {name: bench.seq_scans(read, GUARDED) for name, read in bench.pages(people)}

    assert {name: tables for name, tables in scanned.items() if tables} == {}
    assert len(scanned) == 10


@pytest.mark.django_db
def test_each_page_reads_a_page_not_the_whole_queue(council):
    """The early help queue reads only the contacts waiting for a decision (its partial index),
    never the years of decided contacts early help still holds."""
    bench, people = council
    pages = dict(bench.pages(people))
    plans = [bench.explain(sql) for sql in bench.captured(pages["early help decision queue"])]

    assert any("contact_early_help_awaiting" in plan for plan in plans)
    team = [bench.explain(sql) for sql in bench.captured(pages["team queue"])]
    assert any("contact_team_submitted" in plan for plan in team)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM referrals_contact WHERE status = 'with_early_help' "
            "AND early_help_decided"
        )
        assert cursor.fetchone()[0] > 0  # decided contacts exist for the queue to skip


@pytest.mark.django_db
def test_a_team_managers_lists_probe_each_rows_grants_rather_than_hash_them_all(council):
    """The team queue, a worker's tray, the manager's clocks and their overdue dashboard check
    each candidate row's grants by index (the queues and clocks stop at the page; the dashboard
    counts only the clocks the manager watches): PostgreSQL hashed an OR of two EXISTS over
    every grant the manager's groups hold (280,000 at a large council) before reading one row."""
    from core.paging import lookahead_page, lookahead_rows
    from referrals.oversight import WorkerTray
    from referrals.selectors import contact_visibility, queue_for_team
    from thresholds.selectors import clocks_for_user

    bench, people = council
    manager = people["team_manager"]
    worker = next(w for w in people["workers"] if w.team_id == manager.team_id)
    lists = {
        "team queue": lambda: list(lookahead_page(queue_for_team(manager), 50, "1").object_list),
        "worker tray": lambda: list(
            lookahead_page(WorkerTray(manager, worker), 50, "1").object_list
        ),
        "dashboard": dict(bench.pages(people))["dashboard, team manager"],
        "manager's clocks": lambda: list(
            lookahead_page(
                clocks_for_user(
                    manager,
                    visible=contact_visibility(manager, on="contact"),
                    upto=lookahead_rows(25, "1"),
                ),
                25,
                "1",
            ).object_list
        ),
    }
    hashed = {
        name: [
            plan for plan in map(bench.explain, bench.captured(read)) if "hashed SubPlan" in plan
        ]
        for name, read in lists.items()
    }

    assert {name: plans for name, plans in hashed.items() if plans} == {}
    tray = [bench.explain(sql) for sql in bench.captured(lists["worker tray"])]
    assert any("contact_worker_received" in plan for plan in tray)


def _plans(bench, read) -> list[str]:
    return [bench.explain(sql) for sql in bench.captured(read)]


def _plan_without(bench, sql: str, *paths: str) -> str:
    """The plan with the planner's other `paths` (enable_sort, ...) costed out of reach, and
    the settings undone after. At 20,000 contacts a queue holds a few dozen contacts and
    sorting them all is the right plan; at a large council's size it is not. This shows the
    plan the query allows when those paths cost what they do there."""
    with transaction.atomic(), connection.cursor() as cursor:
        for path in paths:
            cursor.execute(f"SET LOCAL {path} = off")
        plan = bench.explain(sql)
        transaction.set_rollback(True)
    return plan


def _urgent_queues(people) -> dict:
    from early_help.selectors import decision_queue
    from mash.selectors import mash_queue

    return {
        "MASH queue": mash_queue(people["mash_manager"]),
        "early help decision queue": decision_queue(people["early_help"]),
    }


@pytest.mark.django_db
def test_urgent_queues_walk_the_clocks_by_due_time_not_every_contact(council):
    """The MASH and early help queues find their page by walking the open clocks in due order
    (referrals.urgency): each step reads the open clocks' index in due order, sorting only
    within a due time, and probes each clock's contact against the queue as it goes (a SubPlan
    per row, never a hash of the queue or of every open clock), and stops at its LIMIT."""
    bench, people = council
    pages = dict(bench.pages(people))
    for name in ("MASH queue", "early help decision queue"):
        statements = bench.captured(pages[name])
        steps = [s for s in statements if s.startswith(WALK)]

        assert not any("Sort Key: ((SubPlan" in bench.explain(sql) for sql in statements), name
        assert steps, name
        for step in steps:
            plan = bench.explain(step)
            lines = [line.strip() for line in plan.splitlines()]
            assert lines[0] == "Limit", plan
            assert "deadline_open_due_counted" in plan, plan
            assert "SubPlan 1" in plan or "SubPlan 2" in plan, plan
            assert "hashed SubPlan" not in plan and "Hash" not in plan, plan
            assert not any(line in ("Sort", "->  Sort") for line in lines), plan


@pytest.mark.django_db
def test_urgent_queues_read_the_planners_way_start_from_the_clocks_index(council):
    """When a queue holds too few of the open clocks for a walk (referrals.urgency._planned),
    its earliest clocks are one query that can still take the clocks in due order from the
    index: no plan sorts every waiting contact by its earliest clock."""
    from referrals.urgency import MostUrgentFirst

    bench, people = council
    for name, queue in _urgent_queues(people).items():
        statements = bench.captured(lambda q=queue: MostUrgentFirst(q)._planned(0, 50))
        walks = [s for s in statements if "NOT (EXISTS" in s and s.startswith(PLANNED)]

        assert not any("Sort Key: ((SubPlan" in bench.explain(sql) for sql in statements), name
        assert len(walks) == 1, name
        plan = _plan_without(bench, walks[0], "enable_sort", "enable_hashjoin", "enable_mergejoin")
        assert "deadline_open_due_counted" in plan, plan
        assert not any(line.strip() in ("Sort", "->  Sort") for line in plan.splitlines()), plan


@pytest.mark.django_db
def test_inbox_probes_its_groups_grants_by_request_never_hashes_them(council):
    """An agency group's grants grow with every request it was ever sent: the inbox checks the
    requests it reads, each on the grant table's index by request, rather than reading all of
    the group's grants into a hash first."""
    bench, people = council
    plans = _plans(bench, dict(bench.pages(people))["partner inbox"])
    table = "mash_partnerrequestgroupobjectpermission"
    scans = [
        (line, lines[i + 1] if i + 1 < len(lines) else "")
        for lines in (plan.splitlines() for plan in plans)
        for i, line in enumerate(lines)
        if f" on {table} " in line or line.endswith(f" on {table}")
    ]

    assert scans
    assert not any("hashed SubPlan" in plan for plan in plans)
    for scan, condition in scans:
        # By index (or a bitmap of it) for the request in hand: a probe per row.
        assert "Seq Scan" not in scan, scan
        assert "content_object_id = mash_partnerrequest.id" in condition, condition


@pytest.mark.django_db
def test_dashboard_counts_read_only_what_the_open_clocks_index_holds(council):
    """The dashboard's counts (overdue, due soon; by team, worker, clock and RAG) read only
    columns the covering index of open clocks holds, so they can come from the index alone
    rather than a heap page per clock. (At 20,000 contacts, in the test's transaction, the
    table is not vacuumed and the planner has no reason to prefer the index-only scan: the
    guard is that every column the counts read is in the index.)"""
    bench, people = council
    statements = bench.captured(dict(bench.pages(people))["dashboard, MASH manager"])
    counts = [sql for sql in statements if " GROUP BY " in sql]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('deadline_open_due_counted'::regclass)")
        index = cursor.fetchone()[0]
    read = set(re.findall(r'"thresholds_deadline"\."(\w+)"', counts[0]))

    assert len(counts) == 1
    assert {"due_at", "breached_at", "team_id", "contact_id"} <= read
    assert {column for column in read if column not in index} == set()


@pytest.mark.django_db
def test_a_managers_clocks_outside_their_team_are_read_way_by_way_from_indexes_with_the_team(
    council,
):
    """The clocks a manager watches outside their team (named to them or their members, or
    their role's: thresholds.selectors.outside_team) are a UNION ALL of ways, each its own index
    scan, a role's from an open-clock index that carries the clock's id and team, so the team
    is checked in the index: never one bitmap of every way whose rows are each read from the
    table (the early help duty manager's role answers for 44,000 clocks of their own team at a
    large council)."""
    bench, people = council
    statements = bench.captured(dict(bench.pages(people))["dashboard, team manager"])
    outside = [sql for sql in statements if " UNION ALL " in sql]
    indexes = ("deadline_open_role_team", "deadline_open_named_role")

    assert outside
    for sql in outside:
        plan = bench.explain(sql)
        lines = plan.splitlines()
        arms = [i for i, line in enumerate(lines) if " on thresholds_deadline u0" in line]
        roles = [i for i in arms if "responsible_role = " in lines[i + 1]]
        assert arms and roles, plan
        # Each way its own index scan (a person's few clocks by any index of the worker)...
        assert all(re.search(r"-> +Index (Only )?Scan using ", lines[i]) for i in arms), plan
        # ... and a role's many from its index carrying the team, the team checked there.
        assert all(any(f"using {index} " in lines[i] for index in indexes) for i in roles), plan
        assert "BitmapOr" not in plan, plan
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [index])
            columns = cursor.fetchone()[0].split(" WHERE ")[0]
            assert "id" in re.findall(r"\w+", columns.split(" INCLUDE ")[1]), index
            assert "team_id" in columns, index
        # The tray's index by role stays as it was: carrying more, the planner chose to walk
        # every open clock by due time for a tray in some runs (test_role_clock_plan.py).
        cursor.execute("SELECT pg_get_indexdef('deadline_open_role_covering'::regclass)")
        assert "team_id" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_partners_tray_walks_the_inbox_index_and_stops_at_its_page(council):
    """A partner's tray is the first page of the inbox's open requests: it walks the agency's
    urgency index (open first) and stops, never reading every open request to sort them."""
    from mash.selectors import partner_tray

    bench, people = council
    statements = bench.captured(lambda: partner_tray(people["partner"]))
    tray = [s for s in statements if s.startswith('SELECT "mash_partnerrequest"."id"')]
    assert len(tray) == 1
    plan = bench.explain(tray[0])

    assert "partner_request_agency_urgency" in plan, plan
    assert not any(line.strip().startswith(("Sort", "->  Sort")) for line in plan.splitlines()), (
        plan
    )
