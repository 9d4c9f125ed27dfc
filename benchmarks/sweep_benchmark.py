"""Whether the deadline sweep marks a large council's due clocks within its beat interval.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/sweep_benchmark.py --open 100000

It creates a throwaway database beside the configured one (same server and role), migrates
it, makes teams, managers and workers through the account services, clones one contact per
open clock with INSERT ... SELECT over generate_series, and writes N open clocks (and as many
met ones) of realistic kinds: MASH checks answered by the MASH managers, early help decisions
by the early help duty managers, team clocks by their team's managers, most with a
responsible worker. Of every ten open clocks two have newly passed their due time, two have
newly entered their due-soon window, one was breached and one warned in an earlier sweep,
and four are not due yet: with N = 100,000 the sweep has 40,000 clocks to mark.

It then times `deadline_sweep` as beat runs it (emails queued on the Celery broker, not sent
in-process), checks what it wrote (clocks marked once, one history row each with its reason,
one in-app notice per manager or responsible worker, one outbox email per breach notice,
each with its history) and times the sweeps that follow, which find nothing due. It exits 1
past either budget (--budget for the catch-up sweep, --idle-budget for a sweep with nothing
due, the median of --repeats runs) or if a count is wrong.

Cloning rows with SQL bypasses the services (and so history): this is a measurement harness,
not domain flow.
"""

# ruff: noqa: S608 -- the SQL built here interpolates only this script's own integers.
import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from grants_benchmark import clone, execute, id_array  # noqa: E402
from psycopg import sql  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402

TEAMS = 20
TEAM_MANAGERS = 2  # per team
MASH_MANAGERS = 3
EARLY_HELP_MANAGERS = 2
WORKERS = 200


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--open", type=int, default=100_000, help="open clocks (a tenth of them due)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed sweeps with nothing due")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds, the catch-up sweep")
    parser.add_argument("--idle-budget", type=float, default=0.05, help="seconds, nothing due")
    parser.add_argument("--db-name", default="contact_service_sweep_bench")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    return parser.parse_args(argv)


def make_people() -> dict:
    """Teams, their managers, the MASH and early help managers and workers, through the services."""
    from accounts import services as accounts
    from accounts.models import TeamKind
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
    for i, team in enumerate(teams):
        for j in range(TEAM_MANAGERS):
            user(f"teammgr{i}_{j}", [Role.TEAM_MANAGER], team=team)
    for i in range(MASH_MANAGERS):
        user(f"mashmgr{i}", [Role.MASH_MANAGER])
    for i in range(EARLY_HELP_MANAGERS):
        user(f"ehmgr{i}", [Role.EARLY_HELP_DUTY_MANAGER])
    return {
        "teams": teams,
        "screener": user("screener", [Role.SCREENING_OFFICER]),
        "workers": [user(f"worker{i}", [], team=teams[i % TEAMS]) for i in range(WORKERS)],
    }


# Five kinds of clock in turn (n % 5): who answers for each, as the services start them.
KIND = """(ARRAY['red_checks', 'amber_checks', 'early_help_decision', 'family_work',
    'cp_written_follow_up'])[n % 5 + 1]"""
ROLE = """(ARRAY['mash_manager', 'mash_manager', 'early_help_duty_manager', '', ''])[n % 5 + 1]"""
# Which tenth of the clocks (by n / 5, independent of the kind): 0-1 newly breached, 2-3 newly
# due soon, 4 breached before, 5 warned before, 6-9 not due yet.
PHASE = "(n / 5) % 10"


def load(args: argparse.Namespace, people: dict):
    """The contacts and clocks; returns the moment the clocks were written relative to."""
    from django.utils import timezone

    from referrals import services
    from referrals.models import Contact

    now = timezone.now()
    template = services.contact_start(by=people["screener"], source="phone", received_at=now)
    started = time.perf_counter()
    contacts = clone(
        Contact,
        template.pk,
        f"SELECT n FROM generate_series(1, {args.open}) n",
        {
            "reference": "'S' || lpad(n::text, 9, '0')",
            "status": "'with_mash'",
            "received_at": "t.received_at - (n % 4320) * interval '1 minute'",
        },
    )
    teams, workers = id_array(people["teams"]), id_array(people["workers"])
    at = f"'{now.isoformat()}'::timestamptz"
    bench = (
        "SELECT id, substr(reference, 2)::int AS n FROM referrals_contact WHERE reference LIKE 'S%'"
    )
    due = f"""CASE WHEN {PHASE} IN (0, 1, 4) THEN {at} - (1 + n % 2880) * interval '1 minute'
        WHEN {PHASE} IN (2, 3, 5) THEN {at} + (61 + n % 300) * interval '1 minute'
        ELSE {at} + (2 + n % 20) * interval '1 day' END"""
    clocks = execute(
        sql.SQL(
            f"""INSERT INTO thresholds_deadline (kind, contact_id, subject_id, description,
                team_id, responsible_id, responsible_role, rag, started_at, due_at, met_at,
                warn_at, due_soon_at, breached_at, breach_notified_at, closed_at, closed_reason)
            SELECT kind, id, NULL, '', team, responsible, role, '', due - interval '4 days',
                due, met, due - interval '1 day',
                CASE WHEN {PHASE} = 5 AND met IS NULL THEN {at} - interval '1 hour' END,
                CASE WHEN {PHASE} = 4 AND met IS NULL THEN due + interval '1 minute' END,
                CASE WHEN {PHASE} = 4 AND met IS NULL THEN due + interval '1 minute' END,
                NULL, ''
            FROM (
                SELECT c.id, n, {KIND} AS kind, {ROLE} AS role, ({due}) AS due,
                    CASE WHEN n % 5 >= 3 THEN ({teams})[n % {TEAMS} + 1] END AS team,
                    CASE WHEN n % 5 <> 2 AND n % 3 <> 0 THEN ({workers})[n % {WORKERS} + 1] END
                        AS responsible,
                    met.at AS met
                FROM ({bench}) c,
                    (VALUES (NULL::timestamptz), ({at}::timestamptz - interval '5 days')) met(at)
            ) s"""
        )
    )
    print(
        f"loaded {contacts:,} contacts and {clocks:,} clocks ({clocks - contacts:,} met) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    execute(sql.SQL("ANALYZE"))
    return now


def expected(now) -> dict[str, int]:
    """What the catch-up sweep must write, counted from the clocks themselves."""
    from django.db import connection

    per_clock = f"""CASE responsible_role WHEN 'mash_manager' THEN {MASH_MANAGERS}
        WHEN 'early_help_duty_manager' THEN {EARLY_HELP_MANAGERS} ELSE {TEAM_MANAGERS} END"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE breached_at IS NULL AND due_at <= %(now)s),
                count(*) FILTER (WHERE due_soon_at IS NULL AND breached_at IS NULL
                    AND warn_at <= %(now)s AND due_at > %(now)s),
                coalesce(sum({per_clock}) FILTER (WHERE breached_at IS NULL AND due_at <= %(now)s), 0),
                count(*) FILTER (WHERE due_soon_at IS NULL AND breached_at IS NULL
                    AND warn_at <= %(now)s AND due_at > %(now)s AND responsible_id IS NOT NULL)
            FROM thresholds_deadline WHERE met_at IS NULL AND closed_at IS NULL""",
            {"now": now},
        )
        breached, due_soon, breach_notices, due_soon_notices = cursor.fetchone()
    return {
        "breached": breached,
        "due soon": due_soon,
        "history rows": breached + due_soon,
        "notices": breach_notices + due_soon_notices,
        "notice history rows": breach_notices + due_soon_notices,
        "emails": breach_notices,
        "email history rows": breach_notices,
    }


def written(since) -> dict[str, int]:
    from accounts.models import Notification, OutboundEmail
    from thresholds.models import Deadline

    history = Deadline.history.filter(history_date__gte=since, history_type="~")
    return {
        "history rows": history.filter(
            history_change_reason__regex=r"^Deadline (breached: was due|due soon$)"
        ).count(),
        "notices": Notification.objects.count(),
        "notice history rows": Notification.history.filter(history_type="+").count(),
        "emails": OutboundEmail.objects.filter(purpose="notification").count(),
        "email history rows": OutboundEmail.history.filter(history_type="+").count(),
    }


def backend_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (NaN unless on this host)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from contact_service.celery import app
    from thresholds import services

    # As beat runs it: the emails' send tasks go to the broker; no worker takes them here.
    app.conf.task_always_eager = False
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    people = make_people()
    load(args, people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(" on ")[0])
    # Beat's worker has run sweeps before this one: warm the process (imports, the broker
    # connection) with a sweep at a moment when nothing had fallen due yet.
    services.deadline_sweep(now=timezone.now() - dt.timedelta(days=30))
    now = timezone.now()
    want = expected(now)
    print(f"due: {want['breached']:,} breached and {want['due soon']:,} due soon")

    since = timezone.now()
    cpu = (time.process_time(), backend_cpu())
    began = time.perf_counter()
    result = services.deadline_sweep(now=now)
    catch_up = time.perf_counter() - began
    python_cpu, server_cpu = time.process_time() - cpu[0], backend_cpu() - cpu[1]
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    print(
        f"\ncatch-up sweep: {result.breached:,} breached, {result.due_soon:,} due soon, "
        f"{result.skipped} skipped in {catch_up:.2f} s"
    )
    # On a shared machine the wall time is mostly waiting: the CPU both sides used says more.
    print(f"  CPU: Python {python_cpu:.2f} s, PostgreSQL backend {server_cpu:.2f} s")
    got = {"breached": result.breached, "due soon": result.due_soon, **written(since)}
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    for key, value in got.items():
        print(f"  {key:<22}{value:>10,}")

    def idle_sweeps(when: str) -> float:
        idle = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            again = services.deadline_sweep()
            idle.append(time.perf_counter() - began)
            if again.breached or again.due_soon:
                wrong[f"sweep {len(idle) + 1} {when}"] = (again, "nothing")
        median = statistics.median(idle)
        print(
            f"sweeps with nothing due, {when}: median {median * 1000:.1f} ms, "
            f"max {max(idle) * 1000:.1f} ms over {args.repeats} runs"
        )
        return median

    # Right after the catch-up the claim indexes still hold an entry for each clock just
    # marked, until vacuum (or a scan, once no snapshot can see the old rows) clears them.
    idle_sweeps("just after the catch-up (not judged)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) thresholds_deadline")
    # What beat's every-minute sweep meets: autovacuum has been by.
    median = idle_sweeps("once the clocks are vacuumed")
    with app.connection_for_write() as conn:
        dropped = conn.default_channel.queue_purge(app.conf.task_default_queue)
    print(f"(purged {dropped or 0:,} queued send tasks from {settings.CELERY_BROKER_URL})")

    failures = []
    if wrong:
        failures.append(f"counts (got, expected): {wrong}")
    if catch_up > args.budget:
        failures.append(f"the catch-up sweep took {catch_up:.2f} s, over {args.budget:.2f} s")
    if median > args.idle_budget:
        failures.append(
            f"a sweep with nothing due took {median * 1000:.1f} ms, "
            f"over {args.idle_budget * 1000:.0f} ms"
        )
    if failures:
        print("\nFAIL: " + "; ".join(failures))
        return 1
    print(
        f"\nOK: {result.breached + result.due_soon:,} clocks marked in {catch_up:.2f} s "
        f"(budget {args.budget:.1f} s); nothing due in {median * 1000:.1f} ms "
        f"(budget {args.idle_budget * 1000:.0f} ms)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe=f"{args.open:,} open clocks",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
