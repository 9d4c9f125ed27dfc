"""Whether the queues, inboxes, dashboards and trays read a page, on indexes, at a large
council's size.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/grants_benchmark.py --contacts 100000

It creates a throwaway database beside the configured one (same server and role), migrates
it, makes a few users through the account services, then clones one contact, enquiry, partner
request, early help decision and clock N times with INSERT ... SELECT over generate_series and
spreads grants over teams, the early help duty managers and partner agencies the way the
services do (team groups hold view/change on their contacts, the early help role group view on
green contacts, agency groups view/change on their requests, a worker view/change on their
own). After ANALYZE it runs each page's reads as its view does (`pages`), times them, EXPLAINs
every query they run and exits non-zero if any plan sequentially scans a contact, enquiry,
request, clock or grant table; then prints EXPLAIN (ANALYZE, BUFFERS) of each page's slowest
query. tests/performance/test_queue_plans.py loads the same data (`make_people`, `load`) at
20,000 contacts and checks the same plans. For comparison it times guardian's own
`get_objects_for_user` filter over the same direct tables (not checked).

Cloning rows with SQL bypasses the services (and so history): this is a measurement harness,
not domain flow.
"""

# ruff: noqa: S608 -- the SQL built here interpolates only this script's own integers.
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from psycopg import sql  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402

TEAMS = 20
AGENCIES = 8
WORKERS = 200
# Tables a queue must reach through an index: the records and their grants.
BIG_TABLES = (
    "referrals_contact",
    "thresholds_deadline",
    "referrals_contactuserobjectpermission",
    "referrals_contactgroupobjectpermission",
    "mash_enquiry",
    "mash_partnerrequest",
    "mash_partnerrequestgroupobjectpermission",
    "mash_partnerrequestuserobjectpermission",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of each query")
    parser.add_argument(
        "--min-rows",
        type=int,
        default=10_000,
        help="below this many rows a sequential scan is the right plan and is not a failure",
    )
    parser.add_argument("--db-name", default="contact_service_grants_bench")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    return parser.parse_args(argv)


def execute(statement: sql.Composable) -> int:
    """Run SQL without parameters (so `%` is the modulo operator, not a placeholder)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection))
        return cursor.rowcount


def clone(model, template_pk: int, source: str, overrides: dict[str, str]) -> int:
    """Insert one copy of the template row per row of `source` (SQL yielding `n` and any
    columns the overrides use), with the overridden columns computed from it."""
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [
        sql.SQL(overrides[c]) if c in overrides else sql.SQL("t.{}").format(sql.Identifier(c))
        for c in columns
    ]
    statement = sql.SQL(
        "INSERT INTO {table} ({columns}) "
        "SELECT {values} FROM {table} t, ({source}) s WHERE t.id = {pk}"
    ).format(
        pk=sql.Literal(template_pk),
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        values=sql.SQL(", ").join(values),
        source=sql.SQL(source),
    )
    return execute(statement)


def grant(direct_model, holder_column: str, codename: str, source: str) -> int:
    """Grant `codename` to the holder (user or group) on each record of `source`, which yields
    `holder` and `object`."""
    from django.contrib.auth.models import Permission

    record = direct_model._meta.get_field("content_object").related_model
    permission = Permission.objects.get(
        content_type__app_label=record._meta.app_label, codename=codename
    )
    statement = sql.SQL(
        "INSERT INTO {table} ({holder}, permission_id, content_object_id) "
        "SELECT s.holder, {permission}, s.object FROM ({source}) s"
    ).format(
        table=sql.Identifier(direct_model._meta.db_table),
        holder=sql.Identifier(holder_column),
        source=sql.SQL(source),
        permission=sql.Literal(permission.pk),
    )
    return execute(statement)


def id_array(objects) -> str:
    return "ARRAY[" + ",".join(str(o.pk) for o in objects) + "]"


def make_people():
    """The users whose queues are measured, made through the account services."""
    from accounts import services as accounts
    from accounts.models import AgencyKind, TeamKind
    from accounts.roles import Role

    def user(name: str, roles: list, **fields):
        return accounts.user_create(
            username=name,
            password="correct-horse-battery",
            first_name=name,
            last_name="Bench",
            email=f"{name}@example.org",
            roles=roles,
            by=None,
            reason="Benchmark user",
            **fields,
        )

    teams = [
        accounts.team_create(
            name=f"Bench team {i}", kind=TeamKind.SOCIAL_WORK, by=None, reason="Bench"
        )
        for i in range(TEAMS)
    ]
    agencies = [
        accounts.agency_create(
            name=f"Bench agency {i}", kind=AgencyKind.POLICE, by=None, reason="Bench"
        )
        for i in range(AGENCIES)
    ]
    return {
        "teams": teams,
        "agencies": agencies,
        "screener": user("screener", [Role.SCREENING_OFFICER]),
        "rater": user("senior", [Role.SENIOR_PRACTITIONER]),
        "mash_manager": user("mashmgr", [Role.MASH_MANAGER]),
        "early_help": user("ehmgr", [Role.EARLY_HELP_DUTY_MANAGER]),
        "team_manager": user("teammgr", [Role.TEAM_MANAGER], team=teams[0]),
        "partner": user("police", [Role.PARTNER_AGENCY_USER], agency=agencies[0]),
        "workers": [user(f"worker{i}", [], team=teams[i % TEAMS]) for i in range(WORKERS)],
    }


# Of every 1,000 contacts: 1 with early help awaiting a decision, 4 with the MASH, 5 new, 3
# awaiting a rating, 18 decided by early help years ago and still with it (a worker's advice, a
# brief assessment: the status keeps meaning "early help holds it"); the rest closed or passed
# on, as a council's 25 years of records are.
STATUS = """CASE WHEN n % 1000 = 0 THEN 'with_early_help' WHEN n % 1000 < 5 THEN 'with_mash'
    WHEN n % 1000 < 10 THEN 'submitted' WHEN n % 1000 < 13 THEN 'awaiting_rating'
    WHEN n % 1000 < 31 THEN 'with_early_help' WHEN n % 4 = 0 THEN 'closed_nfa'
    WHEN n % 4 = 1 THEN 'referred_to_social_work' WHEN n % 4 = 2 THEN 'information_only'
    ELSE 'information_and_advice' END"""
DECIDED = "n % 1000 BETWEEN 13 AND 30"
# Open clocks: one on every contact still at the front door, plus one in twenty referred to a
# team (its amber clock, answered by the team): about 6% of contacts, as in the 26,000
# open clocks at 500,000 contacts. Every contact also carries one met clock (its history).
OPEN_CLOCK = "(n % 1000 < 13 OR n % 20 = 5)"
CLOCK_KIND = """CASE WHEN n % 1000 = 0 THEN 'early_help_decision' WHEN n % 1000 < 5 THEN
    'red_checks' WHEN n % 1000 < 10 THEN 'screening' WHEN n % 1000 < 13 THEN 'initial_rating'
    ELSE 'amber_checks' END"""
CLOCK_ROLE = """CASE WHEN n % 1000 = 0 THEN 'early_help_duty_manager' WHEN n % 1000 < 5 THEN
    'mash_manager' WHEN n % 1000 < 10 THEN 'screening_officer' WHEN n % 1000 < 13 THEN
    'senior_practitioner' ELSE '' END"""


def load(args: argparse.Namespace, people: dict) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.roles import Role
    from early_help.models import EarlyHelpDecision
    from mash.models import (
        Enquiry,
        PartnerRequest,
        PartnerRequestGroupObjectPermission,
    )
    from referrals import services
    from referrals.models import (
        Contact,
        ContactGroupObjectPermission,
        ContactUserObjectPermission,
    )
    from thresholds.models import ClockKind, Deadline

    now = timezone.now()
    template = services.contact_start(by=people["screener"], source="phone", received_at=now)
    enquiry = Enquiry.objects.create(
        contact=template, opened_by=people["mash_manager"], opened_at=now
    )
    request = PartnerRequest.objects.create(
        enquiry=enquiry,
        agency=people["agencies"][0],
        question="Benchmark",
        requested_by=people["mash_manager"],
        requested_at=now,
    )
    decision = EarlyHelpDecision.objects.create(
        contact=template,
        outcome="brief_assessment",
        rationale="Benchmark",
        decided_by=people["early_help"],
        decided_at=now,
    )
    clock = Deadline.objects.create(
        kind=ClockKind.SCREENING, contact=template, started_at=now, due_at=now, warn_at=now
    )
    teams = id_array(p.group for p in people["teams"])
    team_ids = id_array(people["teams"])
    workers = id_array(people["workers"])
    started = time.perf_counter()
    overrides = {
        "reference": "'B' || lpad(n::text, 9, '0')",
        "status": STATUS,
        "received_at": "t.received_at - n * interval '17 minutes'",
        "assigned_team_id": f"({team_ids})[n % {TEAMS} + 1]",
        "assigned_to_id": f"CASE WHEN n % 10 = 3 THEN ({workers})[n % {WORKERS} + 1] END",
    }
    if any(f.name == "early_help_decided" for f in Contact._meta.fields):
        overrides["early_help_decided"] = DECIDED
    contacts = clone(
        Contact, template.pk, f"SELECT n FROM generate_series(1, {args.contacts}) n", overrides
    )
    bench = "SELECT id AS object, substr(reference, 2)::int AS n FROM referrals_contact WHERE reference LIKE 'B%'"
    grants = 0
    for codename in ("view_contact", "change_contact"):  # the team a contact went to
        grants += grant(
            ContactGroupObjectPermission,
            "group_id",
            codename,
            f"SELECT ({teams})[n % {TEAMS} + 1] AS holder, object FROM ({bench}) b WHERE n % 2 = 0",
        )
    early_help = Group.objects.get(name=Role.EARLY_HELP_DUTY_MANAGER.value)
    grants += grant(  # green contacts routed to the early help duty managers
        ContactGroupObjectPermission,
        "group_id",
        "view_contact",
        f"SELECT {early_help.pk} AS holder, object FROM ({bench}) b "
        "WHERE n % 5 = 0 OR n % 1000 = 0",
    )
    for codename in ("view_contact", "change_contact"):  # a contact passed to a worker
        grants += grant(
            ContactUserObjectPermission,
            "user_id",
            codename,
            f"SELECT ({workers})[n % {WORKERS} + 1] AS holder, object FROM ({bench}) b "
            "WHERE n % 10 = 3",
        )
    enquiries = clone(
        Enquiry,
        enquiry.pk,
        f"SELECT object, n FROM ({bench}) b WHERE n % 7 = 0",
        {
            "contact_id": "s.object",
            "status": "CASE WHEN n % 1000 < 5 THEN 'open' ELSE 'closed' END",
        },
    )
    # Three agencies asked on each enquiry, rotating, so each agency holds 3/8 of the requests.
    asked = (
        f"SELECT e.id AS enquiry, k, (c.n + k) % {AGENCIES} AS agency, c.n FROM mash_enquiry e "
        f"JOIN ({bench}) c ON c.object = e.contact_id, generate_series(0, 2) k"
    )
    agencies = id_array(people["agencies"])
    requests = clone(
        PartnerRequest,
        request.pk,
        f"SELECT enquiry, agency, n FROM ({asked}) a",
        {
            "enquiry_id": "s.enquiry",
            "agency_id": f"({agencies})[s.agency + 1]",
            "status": "CASE WHEN s.n % 1000 < 5 THEN 'open' ELSE 'answered' END",
            "requested_at": "t.requested_at - s.n * interval '17 minutes'",
        },
    )
    agency_groups = id_array(a.group for a in people["agencies"])
    for codename in ("view_partnerrequest", "change_partnerrequest"):
        grants += grant(
            PartnerRequestGroupObjectPermission,
            "group_id",
            codename,
            f"SELECT g.id AS holder, r.id AS object FROM mash_partnerrequest r "
            f"JOIN accounts_partneragency a ON a.id = r.agency_id "
            f"JOIN auth_group g ON g.id = a.group_id WHERE g.id = ANY({agency_groups})",
        )
    decisions = clone(
        EarlyHelpDecision,
        decision.pk,
        f"SELECT object, n FROM ({bench}) b WHERE {DECIDED}",
        {"contact_id": "s.object"},
    )
    # One met clock per contact (its history), one open clock per contact still being worked.
    clocks = clone(
        Deadline,
        clock.pk,
        f"SELECT object, n FROM ({bench}) b",
        {
            "contact_id": "s.object",
            "started_at": "t.started_at - s.n * interval '17 minutes'",
            "due_at": "t.due_at - s.n * interval '17 minutes' + interval '24 hours'",
            "warn_at": "t.due_at - s.n * interval '17 minutes' + interval '18 hours'",
            "met_at": "t.due_at - s.n * interval '17 minutes' + interval '3 hours'",
        },
    )
    clocks += clone(
        Deadline,
        clock.pk,
        f"SELECT b.object, b.n, c.assigned_team_id AS team, c.assigned_to_id AS worker "
        f"FROM ({bench}) b JOIN referrals_contact c ON c.id = b.object WHERE {OPEN_CLOCK}",
        {
            "contact_id": "s.object",
            "kind": CLOCK_KIND.replace("n %", "s.n %"),
            "responsible_role": CLOCK_ROLE.replace("n %", "s.n %"),
            "team_id": "CASE WHEN s.n % 1000 >= 13 THEN s.team END",
            "responsible_id": "s.worker",
            "rag": "'amber'",
            # Spread over three days either side of now: some breached, some due soon.
            "started_at": "t.due_at + (s.n % 144 - 72) * interval '1 hour' - interval '4 days'",
            "due_at": "t.due_at + (s.n % 144 - 72) * interval '1 hour'",
            "warn_at": "t.due_at + (s.n % 144 - 78) * interval '1 hour'",
            "breached_at": "CASE WHEN s.n % 144 < 72 THEN t.due_at END",
        },
    )
    took = time.perf_counter() - started
    print(
        f"loaded {contacts:,} contacts, {enquiries:,} enquiries, {requests:,} partner requests, "
        f"{decisions:,} early help decisions, {clocks:,} clocks and {grants:,} grants "
        f"in {took:.1f} s"
    )
    execute(sql.SQL("ANALYZE"))


def pages(people: dict) -> list[tuple[str, object]]:
    """(name, function) for each queue, inbox, dashboard and tray: the function reads what the
    view reads for its first page (counts, the page, its prefetches), so every query the page
    runs is timed and explained."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from core.paging import lookahead_page
    from early_help.selectors import decision_queue
    from mash.access import partner_inbox_requests
    from mash.selectors import attach_partner_clocks, mash_queue
    from referrals import duplicates
    from referrals.selectors import (
        contact_visibility,
        queue_assigned_to,
        queue_awaiting_rating,
        queue_for_team,
        queue_new,
    )
    from referrals.urgency import MostUrgentFirst
    from thresholds import selectors as clocks
    from workspace.dashboard import _page, _sorted_rows, watched

    def first_page(qs):
        page = Paginator(qs, 50).get_page(1)
        return list(page.object_list)

    def first_page_ahead(qs):
        # A list that holds its whole history counts only a few pages ahead (the views').
        return list(lookahead_page(qs, 50, "1").object_list)

    def dashboard(user):
        # workspace.dashboard.dashboard's reads, without the template.
        parts = watched(user)
        counts = clocks.deadline_counts(*(clocks.open_deadlines_for(part) for part in parts))
        rows = _sorted_rows(
            parts, user, shown=counts.total, now=timezone.now(), sort="due", filters={}
        )
        page = _page(rows, "1", count=counts.total)
        return counts, list(page.object_list)

    def inbox(user):
        rows = first_page_ahead(partner_inbox_requests(user))
        attach_partner_clocks(rows)
        return rows

    def tray(user):
        visible = contact_visibility(user, on="contact")
        # workspace.views.work_tray's reads: a page of each list, counted ahead.
        return first_page_ahead(queue_assigned_to(user)), first_page_ahead(
            clocks.ClocksPaged(user, visible=visible)
        )

    return [
        (
            "new contacts queue",
            lambda: first_page(duplicates.with_open_flags(queue_new(people["screener"]))),
        ),
        ("awaiting rating queue", lambda: first_page(queue_awaiting_rating(people["rater"]))),
        # The views' reads: the page found by walking the clocks (referrals.urgency), counted ahead.
        (
            "MASH queue",
            lambda: first_page_ahead(MostUrgentFirst(mash_queue(people["mash_manager"]))),
        ),
        (
            "early help decision queue",
            lambda: first_page_ahead(MostUrgentFirst(decision_queue(people["early_help"]))),
        ),
        ("partner inbox", lambda: inbox(people["partner"])),
        ("team queue", lambda: first_page_ahead(queue_for_team(people["team_manager"]))),
        ("dashboard, MASH manager", lambda: dashboard(people["mash_manager"])),
        ("dashboard, early help", lambda: dashboard(people["early_help"])),
        ("dashboard, team manager", lambda: dashboard(people["team_manager"])),
        ("work tray, worker", lambda: tray(people["workers"][3])),
    ]


def captured(function) -> list[str]:
    """The SQL of every SELECT `function` runs, parameters in place."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def explain(statement: str, *, analyze: bool = False) -> str:
    from django.db import connection

    options = "ANALYZE, BUFFERS" if analyze else "COSTS OFF"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {statement}".replace("%", "%%"))
        return "\n".join(row[0] for row in cursor.fetchall())


def seq_scans(function, tables) -> set[str]:
    """The tables of `tables` that any query of `function` scans sequentially."""
    found = set()
    for statement in captured(function):
        plan = explain(statement) + "\n"
        found |= {t for t in tables if f"Seq Scan on {t}\n" in plan or f"Seq Scan on {t} " in plan}
    return found


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return times


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from guardian.shortcuts import get_objects_for_user

    from mash.models import PartnerRequest
    from referrals.models import Contact, ContactStatus

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    people = make_people()
    load(args, people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('referrals_contact'))")
        size = cursor.fetchone()[0]
    print(f"referrals_contact is {size}; {server.split(' on ')[0]}")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= %s",
            [list(BIG_TABLES), args.min_rows],
        )
        big = {row[0] for row in cursor.fetchall()}
    failed = []
    print(f"\nmilliseconds over {args.repeats} runs (every query of the first page, no template):")
    line = "{:<36}{:>8}{:>9}{:>9}{:>9}  {}"
    print(line.format("page", "queries", "median", "p95", "slowest", "seq"))
    slowest = {}
    for name, function in pages(people):
        function()  # warm the caches a page finds warm in a running process
        times = sorted(timed(function, args.repeats))
        statements = captured(function)
        by_time = []
        for statement in statements:
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(statement.replace("%", "%%"))
                cursor.fetchall()
            by_time.append(((time.perf_counter() - began) * 1000, statement))
        worst_ms, worst = max(by_time) if by_time else (0.0, "")
        slowest[name] = worst
        scanned = sorted(seq_scans(function, big))
        if scanned:
            failed.append((name, scanned))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            line.format(
                name,
                len(statements),
                f"{statistics.median(times):.1f}",
                f"{p95:.1f}",
                f"{worst_ms:.1f}",
                ",".join(scanned) or "-",
            )
        )
    # guardian's own filter (pk IN user grants OR pk IN group grants), for comparison only.
    guardian = [
        (
            "early help queue via get_objects_for_user",
            get_objects_for_user(people["early_help"], "referrals.view_contact", Contact).filter(
                status=ContactStatus.WITH_EARLY_HELP
            ),
        ),
        (
            "partner inbox via get_objects_for_user",
            get_objects_for_user(
                people["partner"], "mash.view_partnerrequest", PartnerRequest
            ).order_by("requested_at")[:50],
        ),
    ]
    print("\nfor comparison (not checked):")
    for name, query in guardian:
        times = timed(lambda q=query: list(q.all()), args.repeats)
        print(f"{name:<44}{statistics.median(times):>9.1f}")
    for name, statement in slowest.items():
        if statement:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS), the slowest query of: {name}")
            print(explain(statement, analyze=True))

    if failed:
        print(f"\nFAIL: sequential scans of big tables: {failed}")
        return 1
    print(f"\nOK: no sequential scan of {', '.join(sorted(big)) or 'any table'} in the page plans")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe=f"{args.contacts:,} contacts",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
