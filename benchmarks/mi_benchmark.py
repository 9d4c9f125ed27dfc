"""Whether a year of management information for a large council comes back in under a second.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/mi_benchmark.py --contacts 500000

It creates a throwaway database beside the configured one (benchmarks/throwaway.py), migrates
it, makes teams, agencies and workers through the account services, makes one row of each kind
the figures read through the ORM and clones it with INSERT ... SELECT over generate_series (as
benchmarks/grants_benchmark.py does): N contacts received at an even rate, about 60,000 a
year (so 500,000 contacts are eight years of a large council), each with a child, a
contact-record clock and a rating clock; one in four referred to a social work team (with a
CIN episode), one in seven with a MASH enquiry asking three agencies (two answer, each with a
partner-check clock) and a consent decision, one in eight with an early help decision, one in
six a police MERLIN, and one contact in five about a child seen 17 contacts (a few hours)
earlier, so repeat contacts and re-referrals exist. After ANALYZE it times
`reporting.figures.sections_for` for the last 12 months, prints EXPLAIN (ANALYZE, BUFFERS)
of its slowest queries, and exits 1 if the median is over the budget (--budget, 1 s) or any
plan sequentially scans the contact or deadline table (the period's indexes must serve).
With --existing it times a populated database as it is (e.g. the council `generate_council`
builds), and --dump writes every figure's rows, so two runs can be compared figure by figure.
The figures are timed on --at-once connections (default settings.MI_CONNECTIONS); the queries
listed and explained are those of one more run on one connection, where they can be captured.

Cloning rows with SQL bypasses the services (and so history): this is a measurement harness,
not domain flow.
"""

# ruff: noqa: S608 -- the SQL built here interpolates only this script's own integers.
import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from grants_benchmark import clone as clone_rows  # noqa: E402
from grants_benchmark import execute, id_array  # noqa: E402
from psycopg import sql  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402

TEAMS = 12
AGENCIES = 6
WORKERS = 60
PER_YEAR = 60_000
MINUTES_APART = 365 * 24 * 60 / PER_YEAR
# Tables whose period filter must go through an index (received_at, started_at).
MUST_USE_INDEX = ("referrals_contact", "thresholds_deadline")
STATUS = """CASE WHEN n % 1000 = 0 THEN 'with_early_help' WHEN n % 1000 < 5 THEN 'with_mash'
    WHEN n % 1000 < 10 THEN 'submitted' WHEN n % 4 = 0 THEN 'closed_nfa'
    WHEN n % 4 = 1 THEN 'referred_to_social_work' WHEN n % 4 = 2 THEN 'information_only'
    ELSE 'information_and_advice' END"""
SOURCES = "(ARRAY['phone','ecaf','online_form','police_merlin','edt_report','step_up'])"
REFERRAL_SOURCES = "(ARRAY['1A','2A','3A','3B','4','5A','6','8','9',''])"
CLOCKS = "(ARRAY['red_checks','amber_checks','green_to_early_help','initial_rating'])"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of sections_for")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds, median")
    parser.add_argument(
        "--min-rows",
        type=int,
        default=10_000,
        help="below this many rows a sequential scan is the right plan and is not a failure",
    )
    parser.add_argument("--explain", type=int, default=4, help="slowest queries to explain")
    parser.add_argument("--db-name", default="contact_service_mi_bench")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="time the populated database --db-name as it is (no create, load or drop), e.g. "
        "one built by manage.py generate_council",
    )
    parser.add_argument(
        "--dump", help="write every figure's rows of the last run to this file (JSON), to compare"
    )
    parser.add_argument(
        "--at-once",
        type=int,
        help="database connections the figures run on at once (default settings.MI_CONNECTIONS)",
    )
    return parser.parse_args(argv)


def make_people() -> dict:
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
    kinds = list(AgencyKind)
    agencies = [
        accounts.agency_create(
            name=f"Bench agency {i}", kind=kinds[i % len(kinds)], by=None, reason="Bench"
        )
        for i in range(AGENCIES)
    ]
    return {
        "teams": teams,
        "agencies": agencies,
        "screener": user("screener", [Role.SCREENING_OFFICER]),
        "workers": [user(f"worker{i}", [], team=teams[i % TEAMS]) for i in range(WORKERS)],
    }


def templates(people: dict) -> dict:
    """One row of each kind, made through the ORM, for the SQL to clone."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from early_help.models import EarlyHelpDecision
    from mash.models import ConsentDecision, Enquiry, PartnerAnswer, PartnerRequest
    from referrals.models import (
        CinEpisode,
        Contact,
        ContactPerson,
        MerlinReport,
        Person,
        Referral,
    )
    from thresholds.models import Deadline

    now = timezone.now()
    by = people["screener"]
    person = Person.objects.create(case_number="T0", first_name="Template", last_name="Child")
    contact = Contact.objects.create(
        reference="T0", source="phone", received_at=now, created_by=by, status="submitted"
    )
    enquiry = Enquiry.objects.create(contact=contact, opened_by=by, opened_at=now)
    request = PartnerRequest.objects.create(
        enquiry=enquiry,
        agency=people["agencies"][0],
        question="Bench",
        requested_by=by,
        requested_at=now,
    )
    referral = Referral.objects.create(
        contact=contact,
        team=people["teams"][0],
        assessment_type="cfa",
        reason="Bench",
        created_by=by,
        created_at=now,
    )
    return {
        "person": person,
        "contact": contact,
        "link": ContactPerson.objects.create(contact=contact, person=person, role="child"),
        "deadline": Deadline.objects.create(
            kind="contact_record", contact=contact, started_at=now, due_at=now, warn_at=now
        ),
        "referral": referral,
        "episode": CinEpisode.objects.create(
            referral=referral, person=person, referral_date=now.date()
        ),
        "enquiry": enquiry,
        "request": request,
        "request_type": ContentType.objects.get_for_model(PartnerRequest),
        "answer": PartnerAnswer.objects.create(
            request=request, version=1, status="submitted", author=by, submitted_at=now
        ),
        "consent": ConsentDecision.objects.create(
            enquiry=enquiry, outcome="sought_given", recorded_by=by, recorded_at=now
        ),
        "decision": EarlyHelpDecision.objects.create(
            contact=contact, outcome="iag", rationale="Bench", decided_by=by, decided_at=now
        ),
        "merlin": MerlinReport.objects.create(
            reference="T0",
            police_rag="red",
            incident_at=now,
            category="other",
            summary="Bench",
            decision_maker_name="Bench",
            decision_maker_rank="DS",
            signed_off_at=now,
            submitted_by=by,
            submitted_at=now,
            contact=contact,
            route="screening",
        ),
    }


def load(args: argparse.Namespace, people: dict) -> None:
    from django.utils import timezone

    from early_help.models import EarlyHelpDecision
    from mash.models import ConsentDecision, Enquiry, PartnerAnswer, PartnerRequest
    from referrals.models import (
        CinEpisode,
        Contact,
        ContactPerson,
        MerlinReport,
        Person,
        Referral,
    )
    from thresholds.models import Deadline

    t = templates(people)
    # Contacts end where the "last 12 months" period ends (the first of this month), so a
    # year's worth falls inside it.
    today = timezone.localdate()
    now = timezone.make_aware(dt.datetime(today.year, today.month, 1))
    teams, workers = id_array(people["teams"]), id_array(people["workers"])
    agencies = id_array(people["agencies"])
    started = time.perf_counter()
    series = f"SELECT n FROM generate_series(1, {args.contacts}) n"
    received = f"TIMESTAMPTZ '{now.isoformat()}' - n * interval '{MINUTES_APART} minutes'"
    made = {}

    def clone(*args, **kwargs) -> int:
        # Fresh tables look empty to the planner: without statistics the next INSERT ... SELECT
        # joins them by nested loops over every pair of rows.
        done = clone_rows(*args, **kwargs)
        execute(sql.SQL("ANALYZE {}").format(sql.Identifier(args[0]._meta.db_table)))
        return done

    made["people"] = clone(
        Person, t["person"].pk, series, {"case_number": "'B' || n", "nhs_number": "NULL"}
    )
    made["contacts"] = clone(
        Contact,
        t["contact"].pk,
        series,
        {
            "reference": "'B' || lpad(n::text, 9, '0')",
            "status": STATUS,
            "source": f"{SOURCES}[n % 6 + 1]",
            "referral_source": f"{REFERRAL_SOURCES}[n % 10 + 1]",
            "received_at": received,
            "assigned_team_id": f"({teams})[n % {TEAMS} + 1]",
        },
    )
    bench = (
        "SELECT c.id AS contact, substr(c.reference, 2)::int AS n, c.received_at, c.status "
        "FROM referrals_contact c WHERE c.reference LIKE 'B%'"
    )
    people_by_n = "SELECT id AS person, substr(case_number, 2)::int AS pn FROM referrals_person WHERE case_number LIKE 'B%'"
    # One contact in five is about the child of the contact 17 before it (a repeat contact).
    child = f"SELECT b.*, p.person FROM ({bench}) b JOIN ({people_by_n}) p ON p.pn = CASE WHEN b.n % 5 = 0 AND b.n > 17 THEN b.n - 17 ELSE b.n END"
    made["children"] = clone(
        ContactPerson,
        t["link"].pk,
        f"SELECT contact, person, received_at FROM ({child}) c",
        # No contact here is a draft: every link carries its contact's received time.
        {"contact_id": "s.contact", "person_id": "s.person", "received_at": "s.received_at"},
    )
    due = "s.received_at + interval '24 hours'"
    met = "CASE WHEN s.n % 10 = 0 THEN NULL ELSE s.received_at + (s.n % 30) * interval '1 hour' END"
    clock = {
        "contact_id": "s.contact",
        "started_at": "s.received_at",
        "warn_at": "s.received_at",
        "due_at": due,
        "met_at": met,
        "closed_at": "NULL",
        "breached_at": "CASE WHEN s.n % 30 >= 24 OR s.n % 10 = 0 THEN s.received_at + interval '24 hours' END",
        "team_id": f"({teams})[s.n % {TEAMS} + 1]",
        "responsible_id": f"({workers})[s.n % {WORKERS} + 1]",
    }
    made["clocks"] = clone(Deadline, t["deadline"].pk, f"SELECT * FROM ({bench}) b", clock)
    made["clocks"] += clone(
        Deadline,
        t["deadline"].pk,
        f"SELECT * FROM ({bench}) b",
        {**clock, "kind": f"{CLOCKS}[s.n % 4 + 1]"},
    )
    referred = f"SELECT * FROM ({child}) c WHERE c.n % 4 = 1"
    made["referrals"] = clone(
        Referral,
        t["referral"].pk,
        referred,
        {
            "contact_id": "s.contact",
            "team_id": f"({teams})[s.n % {TEAMS} + 1]",
            "created_at": "s.received_at",
        },
    )
    made["episodes"] = clone(
        CinEpisode,
        t["episode"].pk,
        f"SELECT r.id AS referral, c.person, c.received_at FROM referrals_referral r "
        f"JOIN ({child}) c ON c.contact = r.contact_id",
        {
            "referral_id": "s.referral",
            "person_id": "s.person",
            "referral_date": "(s.received_at AT TIME ZONE 'Europe/London')::date",
        },
    )
    made["enquiries"] = clone(
        Enquiry,
        t["enquiry"].pk,
        f"SELECT * FROM ({bench}) b WHERE n % 7 = 0",
        {
            "contact_id": "s.contact",
            "opened_at": "s.received_at",
            "status": "CASE WHEN s.status = 'with_mash' THEN 'open' ELSE 'decided' END",
            "worker_id": f"({workers})[s.n % {WORKERS} + 1]",
        },
    )
    asked = (
        f"SELECT e.id AS enquiry, b.contact, b.n, b.received_at, k, "
        f"({agencies})[(b.n + k) % {AGENCIES} + 1] AS agency FROM mash_enquiry e "
        f"JOIN ({bench}) b ON b.contact = e.contact_id, generate_series(0, 2) k"
    )
    made["requests"] = clone(
        PartnerRequest,
        t["request"].pk,
        asked,
        {
            "enquiry_id": "s.enquiry",
            "agency_id": "s.agency",
            "requested_at": "s.received_at",
            "status": "CASE WHEN s.k < 2 THEN 'answered' ELSE 'open' END",
        },
    )
    requests = (
        "SELECT r.id AS request, r.agency_id, r.status, e.contact_id AS contact, "
        "r.requested_at AS received_at, substr(c.reference, 2)::int AS n "
        "FROM mash_partnerrequest r JOIN mash_enquiry e ON e.id = r.enquiry_id "
        "JOIN referrals_contact c ON c.id = e.contact_id WHERE c.reference LIKE 'B%'"
    )
    made["answers"] = clone(
        PartnerAnswer,
        t["answer"].pk,
        f"SELECT * FROM ({requests}) r WHERE r.status = 'answered'",
        {
            "request_id": "s.request",
            "submitted_at": "s.received_at + (s.n % 7) * interval '1 hour'",
        },
    )
    made["clocks"] += clone(
        Deadline,
        t["deadline"].pk,
        f"SELECT * FROM ({requests}) r",
        {
            **clock,
            "kind": "'partner_check'",
            "subject_type_id": str(t["request_type"].pk),
            "subject_id": "s.request",
            "due_at": "s.received_at + interval '4 hours'",
            "met_at": "CASE WHEN s.status = 'answered' THEN s.received_at + (s.n % 7) * interval '1 hour' END",
            "breached_at": "CASE WHEN s.status <> 'answered' OR s.n % 7 > 4 THEN s.received_at + interval '4 hours' END",
            "team_id": "NULL",
            "responsible_id": "NULL",
        },
    )
    made["consents"] = clone(
        ConsentDecision,
        t["consent"].pk,
        f"SELECT e.id AS enquiry, b.n, b.received_at FROM mash_enquiry e JOIN ({bench}) b ON b.contact = e.contact_id",
        {
            "enquiry_id": "s.enquiry",
            "recorded_at": "s.received_at",
            "outcome": "(ARRAY['sought_given','sought_refused','not_sought','overridden'])[s.n % 4 + 1]",
            "ground": "CASE WHEN s.n % 4 >= 2 THEN 'immediate_danger' ELSE '' END",
        },
    )
    made["decisions"] = clone(
        EarlyHelpDecision,
        t["decision"].pk,
        f"SELECT * FROM ({bench}) b WHERE n % 8 = 3",
        {
            "contact_id": "s.contact",
            "decided_at": "s.received_at + interval '2 days'",
            "outcome": "(ARRAY['iag','brief_assessment','panel','signposting','nfa'])[s.n % 5 + 1]",
        },
    )
    made["merlins"] = clone(
        MerlinReport,
        t["merlin"].pk,
        f"SELECT * FROM ({bench}) b WHERE n % 6 = 3",
        {
            "contact_id": "s.contact",
            "reference": "'M' || s.n",
            "police_rag": "(ARRAY['red','amber','green'])[s.n % 3 + 1]",
            "submitted_at": "s.received_at",
        },
    )
    took = time.perf_counter() - started
    print("loaded " + ", ".join(f"{n:,} {what}" for what, n in made.items()) + f" in {took:.1f} s")
    execute(sql.SQL("ANALYZE"))


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reporting.figures import _reporting_settings, contacts_in, sections_for
    from reporting.tables import named_periods
    from thresholds.models import CouncilProfile

    if not args.existing:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
        people = make_people()
        load(args, people)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('referrals_contact')), "
            "pg_size_pretty(pg_total_relation_size('thresholds_deadline'))"
        )
        contacts_size, deadlines_size = cursor.fetchone()
    print(
        f"referrals_contact is {contacts_size}, thresholds_deadline {deadlines_size}; "
        f"{server.split(' on ')[0]}"
    )

    profile = CouncilProfile.objects.get(code="camden")
    period = named_periods(timezone.localdate())["last_year"]
    in_period = contacts_in(period).count()
    print(f"period {period}: {in_period:,} contacts received")
    at_once = settings.MI_CONNECTIONS if args.at_once is None else args.at_once
    sections_for(period, profile, at_once=at_once)  # warm up: loads code and fills caches
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        sections = sections_for(period, profile, at_once=at_once)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    figures = sum(len(s.tables) for s in sections)
    if args.dump:
        rows = {t.key: t.rows for s in sections for t in s.tables}
        Path(args.dump).write_text(json.dumps(rows, indent=1, sort_keys=True, default=str))
    # The queries of one more run on this connection alone: another connection's are not
    # captured here.
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        sections_for(period, profile, at_once=1)
        alone = time.perf_counter() - began
    print(
        f"\nsections_for (last 12 months, {figures} figures, {len(captured)} queries, "
        f"{at_once} connection{'s' if at_once > 1 else ''} at once): median "
        f"{median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {args.repeats} runs "
        f"({', '.join(f'{t * 1000:.0f}' for t in times)}); one more on one connection "
        f"{alone * 1000:.0f} ms; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= %s",
            [list(MUST_USE_INDEX), args.min_rows],
        )
        big = {row[0] for row in cursor.fetchall()}
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print("\nslowest queries of the run on one connection (ms):")
    for query in queries[:10]:
        print(f"{float(query['time']) * 1000:8.0f}  {query['sql'][:100]}")
    queries = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    seq_scans = []
    # Explained under the settings sections_for runs its queries with (no JIT, work_mem).
    with transaction.atomic(), _reporting_settings(), connection.cursor() as cursor:
        for n, query in enumerate(queries):
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            scanned = [t for t in sorted(big) if f"Seq Scan on {t} " in plan + " "]
            if scanned:
                seq_scans.append((query["sql"][:120], scanned))
            if n < args.explain:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print(
                    f"\nEXPLAIN (ANALYZE, BUFFERS) of query {n + 1} ({float(query['time']) * 1000:.0f} ms):"
                )
                print(query["sql"][:300] + ("..." if len(query["sql"]) > 300 else ""))
                print("\n".join(row[0] for row in cursor.fetchall()))

    status = 0
    if seq_scans:
        print(f"\nFAIL: sequential scans of {', '.join(sorted(big))}:")
        for text, tables in seq_scans:
            print(f"  {tables}: {text}")
        status = 1
    if median > args.budget:
        print(f"\nFAIL: median {median:.2f} s is over the budget of {args.budget:.2f} s")
        status = 1
    if status == 0:
        print(
            f"\nOK: median {median * 1000:.0f} ms within {args.budget:.2f} s; no sequential scan "
            f"of {', '.join(sorted(big)) or 'a big table (all below --min-rows)'}"
        )
    return status


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.existing:
        import django
        from django.conf import settings
        from throwaway import machine

        print(machine())
        settings.DATABASES["default"]["NAME"] = args.db_name
        django.setup()
        return run(args)
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe=f"{args.contacts:,} contacts",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
