"""Every staff page each role uses, timed in-process: median, p95, queries, SQL time, page ÷ SQL.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/pages_benchmark.py              # demo data, throwaway database
    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/pages_benchmark.py --db-name NAME --existing   # a generated one

For each role (screening officer, senior practitioner, MASH social worker, MASH manager, police
and health partner users, early help duty manager, team manager, service manager) it signs in
the first active member of the role's group (for a partner, of that agency kind) with
`force_login` and requests, through django.test.Client (every middleware and context processor,
no network), every page of that user's own service navigation plus the detail pages the role
works on: a contact, its screening or rating page, an enquiry, a partner request, a person, their
chronology, a search for them, a family work case, a worker's tray. Detail objects are found
through the app's own selectors and access helpers, so each is one the user may open.

Each page is requested once to warm process caches, then `--repeats` times. The number is the
server's time in this process; SQL time is summed by `connection.execute_wrapper`. It exits 1
when a page's median or p95 misses its target (50 / 150 ms; the MI page's is the issue's 1 s for
its figures), when a page does not answer 200, or when its query count differs between repeats.
`--no-targets` reports only. Then it times the deadline sweep twice in one transaction that is
rolled back (so an existing database is left as it was): once marking what is due, once with
nothing left due.
"""

import argparse
import contextlib
import logging
import math
import os
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from throwaway import run_in_throwaway_database  # noqa: E402

MEDIAN_MS = 50.0
P95_MS = 150.0
# The issue's own target for the MI page (a year's figures within a second).
MI_MS = 1000.0
SWEEP_DUE_MS = 5000.0
SWEEP_IDLE_MS = 50.0
# Navigation entries that are not case-work pages of the role (Django admin: its own app).
SKIPPED_NAV = {"Administration"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per page")
    parser.add_argument("--median-ms", type=float, default=MEDIAN_MS, help="target, each page")
    parser.add_argument("--p95-ms", type=float, default=P95_MS, help="target, each page")
    parser.add_argument("--mi-ms", type=float, default=MI_MS, help="target for the MI page")
    parser.add_argument("--no-targets", action="store_true", help="report only, exit 0")
    parser.add_argument("--db-name", default="pages_bench")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the populated database --db-name as it is (no create, seed or drop)",
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the throwaway database")
    parser.add_argument(
        "--only", default="", help="only pages whose 'role: page' contains this text"
    )
    parser.add_argument(
        "--profile",
        default="",
        help="print a pyinstrument profile of each page whose 'role: page' contains this text",
    )
    parser.add_argument("--no-sweep", action="store_true", help="skip timing the deadline sweep")
    parser.add_argument(
        "--sweep-ahead",
        type=float,
        default=None,
        help="hours after now to run the sweep at, so that clocks are due (default: 0 with "
        "--existing, whose generator leaves clocks due; 168 on the demo data, whose are not)",
    )
    parser.add_argument(
        "--without-year",
        action="store_true",
        help="seed the demo without its back-dated year (seed_demo --without-year): quicker",
    )
    return parser.parse_args(argv)


@dataclass(frozen=True)
class RoleSpec:
    label: str
    role: str
    agency_kind: str = ""


def role_specs() -> list[RoleSpec]:
    from accounts.models import AgencyKind
    from accounts.roles import Role

    return [
        RoleSpec("screening officer", Role.SCREENING_OFFICER),
        RoleSpec("senior practitioner", Role.SENIOR_PRACTITIONER),
        RoleSpec("MASH social worker", Role.MASH_SOCIAL_WORKER),
        RoleSpec("MASH manager", Role.MASH_MANAGER),
        RoleSpec("police", Role.PARTNER_AGENCY_USER, AgencyKind.POLICE),
        RoleSpec("health", Role.PARTNER_AGENCY_USER, AgencyKind.HEALTH),
        RoleSpec("early help duty manager", Role.EARLY_HELP_DUTY_MANAGER),
        RoleSpec("team manager", Role.TEAM_MANAGER),
        RoleSpec("service manager", Role.SERVICE_MANAGER),
    ]


def user_for(spec: RoleSpec):
    """The first active member of the role's group (never by username: generated councils and
    the demo name their staff differently)."""
    from accounts.models import User

    users = User.objects.filter(is_active=True, groups__name=spec.role).order_by("pk")
    if spec.agency_kind:
        users = users.filter(agency__kind=spec.agency_kind)
    return users.first()


# The detail pages --------------------------------------------------------------------------


def _first(candidates, allowed: Callable) -> object | None:
    for obj in candidates:
        if allowed(obj):
            return obj
    return None


def detail_pages(user) -> list[tuple[str, str]]:
    """(page, url) of the records this user works on, each found through the app's selectors
    and checked with its access helper."""
    from django.urls import reverse

    from early_help.selectors import cases_for, decision_queue
    from mash.access import may_enquiry, partner_inbox_requests
    from mash.models import Enquiry
    from referrals.access import may_contact, may_person
    from referrals.models import ContactPerson, ContactRole, ContactStatus
    from referrals.oversight import team_workers
    from referrals.selectors import contacts_visible_to
    from referrals.urgency import MostUrgentFirst

    pages: list[tuple[str, str]] = []
    visible = contacts_visible_to(user).filter(destroyed_at__isnull=True)
    contact = None
    if (
        may_contact(user, "view_contact")
        or user.has_perm("referrals.view_team_contacts")
        or (user.has_perm("early_help.add_earlyhelpdecision"))
    ):
        # The newest submitted contact about a child that the user may open.
        contact = _first(
            visible.exclude(status=ContactStatus.DRAFT)
            .filter(contact_people__role=ContactRole.CHILD)
            .order_by("-received_at")[:20],
            lambda c: may_contact(user, "view_contact", c),
        )
    if contact is not None:
        pages.append(("contact", reverse("referrals:contact_detail", args=[contact.pk])))
    if user.has_perm("referrals.screen_contact") and not user.has_perm("referrals.rate_contact"):
        screen = visible.filter(status=ContactStatus.SUBMITTED).order_by("-received_at").first()
        if screen is not None:
            pages.append(("screen contact", reverse("referrals:contact_screen", args=[screen.pk])))
    if user.has_perm("referrals.rate_contact"):
        rate = visible.filter(status=ContactStatus.AWAITING_RATING).order_by("-received_at").first()
        if rate is not None:
            pages.append(("rate contact", reverse("referrals:contact_rate", args=[rate.pk])))
    if user.has_perm("early_help.add_earlyhelpdecision"):
        awaiting = next(iter(MostUrgentFirst(decision_queue(user))[0:1]), None)
        if awaiting is not None:
            pages.append(("early help decision", reverse("early_help:decide", args=[awaiting.pk])))
    if may_enquiry(user, "view_enquiry"):
        enquiries = Enquiry.objects.filter(contact__destroyed_at__isnull=True)
        own = enquiries.filter(worker=user).order_by("-pk")[:20]
        enquiry = _first(own, lambda e: may_enquiry(user, "view_enquiry", e)) or _first(
            enquiries.order_by("-pk")[:20], lambda e: may_enquiry(user, "view_enquiry", e)
        )
        if enquiry is not None:
            pages.append(("enquiry", reverse("mash:enquiry", args=[enquiry.pk])))
    if user.has_perm("mash.answer_partnerrequest"):
        request = partner_inbox_requests(user).first()
        if request is not None:
            pages.append(("partner request", reverse("mash:partner_request", args=[request.pk])))
    if user.has_perm("early_help.view_familyworkcase"):
        case = cases_for(user).first()
        if case is not None:
            pages.append(("family work case", reverse("early_help:case", args=[case.pk])))
    if user.has_perm("referrals.oversee_contact"):
        workers = team_workers(user)
        busiest = max(workers, key=lambda w: w.assigned_contacts.count(), default=None)
        if busiest is not None:
            pages.append(("worker tray", reverse("referrals:worker_tray", args=[busiest.pk])))
    if contact is not None:
        person = _first(
            (
                link.person
                for link in ContactPerson.objects.filter(contact=contact)
                .select_related("person")
                .order_by("role", "pk")
            ),
            lambda p: p.destroyed_at is None and may_person(user, "view_person", p),
        )
        if person is not None:
            pages.append(("person", reverse("referrals:person_detail", args=[person.pk])))
            pages.append(("chronology", reverse("referrals:person_chronology", args=[person.pk])))
            if user.has_perm("referrals.search_person"):
                query = f"search=1&first_name={person.first_name}&last_name={person.last_name}"
                pages.append(("search for them", f"{reverse('referrals:person_search')}?{query}"))
    return pages


def nav_pages(user) -> list[tuple[str, str]]:
    """The user's own service navigation, as the header shows it."""
    from django.test import RequestFactory

    from workspace.context_processors import navigation

    request = RequestFactory().get("/")
    request.user = user
    return [
        (item["text"], item["href"])
        for item in navigation(request)["service_navigation"]
        if item["text"] not in SKIPPED_NAV
    ]


# Timing ------------------------------------------------------------------------------------


# The session's activity time is written at most once a minute or so, whatever the page
# (accounts.sessions.touch): timed with the page, but not counted as one of its queries.
SESSION_WRITES = ('UPDATE "accounts_stored_session"', 'UPDATE "accounts_usersession"')


@dataclass
class SqlMeter:
    """Counts and times a page's queries on its own connection and on any connection the page
    opens in other threads while it is served (the MI figures run on several at once: ADR
    0017), so their count is the page's whatever thread ran which query; their SQL time is
    summed over the connections, so it can exceed the page's own time there."""

    queries: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - started
                if not sql.startswith(SESSION_WRITES):
                    self.queries += 1

    @contextlib.contextmanager
    def everywhere(self):
        from django.db import connection
        from django.db.backends.signals import connection_created

        def attach(sender, connection, **kwargs):
            connection.execute_wrappers.append(self)

        connection_created.connect(attach, weak=False)
        try:
            with connection.execute_wrapper(self):
                yield
        finally:
            connection_created.disconnect(attach)


@dataclass
class Row:
    role: str
    page: str
    url: str
    target_median: float
    target_p95: float
    status: int = 0
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql)

    @property
    def queries_constant(self) -> bool:
        return len(set(self.queries)) == 1

    def faults(self) -> list[str]:
        """What fails the run whatever the targets: a page not served, or a varying query count."""
        if self.status != 200 or not self.times:
            return [f"answered {self.status}"]
        if not self.queries_constant:
            return [f"queries vary {min(self.queries)}-{max(self.queries)}"]
        return []

    def misses(self) -> list[str]:
        if self.status != 200 or not self.times:
            return []
        found = []
        if self.median > self.target_median:
            found.append(f"median over {self.target_median:g}")
        if self.p95 > self.target_p95:
            found.append(f"p95 over {self.target_p95:g}")
        return found

    def problems(self) -> list[str]:
        return self.faults() + self.misses()


def measure(client, row: Row, repeats: int, profile: bool) -> None:

    response = client.get(row.url)  # warm-up: process caches, first template compile
    if response.status_code == 302 and response["Location"].startswith("/"):
        # A page that sends the role on to today's (daily discussion, panel): time that one.
        row.url = response["Location"]
        response = client.get(row.url)
    row.status = response.status_code
    if row.status != 200:
        return
    for _ in range(repeats):
        meter = SqlMeter()
        with meter.everywhere():
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(row.url)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        row.status = response.status_code
        row.times.append(elapsed * 1000)
        row.cpu.append(cpu * 1000)
        row.sql.append(meter.seconds * 1000)
        row.queries.append(meter.queries)
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(repeats):
                client.get(row.url)
        print(f"\n=== pyinstrument: {row.role}: {row.page} ({row.url}), {repeats} requests")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'role':<24} {'page':<26} {'median':>7} {'p95':>7} {'queries':>7} "
        f"{'SQL ms':>7} {'page/SQL':>8} {'CPU ms':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.status != 200 or not row.times:
            print(f"{row.role:<24} {row.page[:26]:<26} {'':>7} {'':>7} {'':>7} {'':>7} {'':>8} {'':>7}  "
                  f"FAIL: answered {row.status} ({row.url})")  # fmt: skip
            continue
        queries = (
            str(row.queries[0])
            if row.queries_constant
            else f"{min(row.queries)}-{max(row.queries)}"
        )
        ratio = row.median / row.sql_median if row.sql_median else float("inf")
        problems = row.problems()
        print(
            f"{row.role:<24} {row.page[:26]:<26} {row.median:7.1f} {row.p95:7.1f} {queries:>7} "
            f"{row.sql_median:7.1f} {ratio:8.1f} {row.cpu_median:7.1f}  {'FAIL: ' + ', '.join(problems) if problems else 'ok'}"
        )


def time_sweep(ahead_hours: float) -> list[tuple[str, int, float, float]]:
    """(what, clocks marked, ms, target ms) of a sweep with clocks due and one with none due,
    in one transaction rolled back afterwards."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from thresholds.models import Deadline
    from thresholds.services import deadline_sweep

    now = timezone.now() + dt.timedelta(hours=ahead_hours)
    results = []
    with transaction.atomic():
        open_clocks = Deadline.objects.open().count()
        for what, target in (("clocks due", SWEEP_DUE_MS), ("nothing due", SWEEP_IDLE_MS)):
            started = time.perf_counter()
            result = deadline_sweep(now=now)
            elapsed = (time.perf_counter() - started) * 1000
            marked = result.due_soon + result.breached
            results.append((f"deadline sweep, {what}", marked, elapsed, target))
        transaction.set_rollback(True)
    print(
        f"\n{open_clocks:,} open clocks; sweep at {now:%Y-%m-%d %H:%M} UTC, {ahead_hours:g} h ahead "
        "(in a transaction rolled back afterwards)"
    )
    return results


def describe_data() -> str:
    from django.db import connection

    from referrals.models import Contact, Person
    from thresholds.models import Deadline

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return (
        f"{Person.objects.count():,} people, {Contact.objects.count():,} contacts, "
        f"{Deadline.objects.open().count():,} open clocks; PostgreSQL {version}"
    )


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    if not args.existing:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        # The demo's services log each email and task they queue: not the benchmark's output.
        logging.disable(logging.INFO)
        try:
            call_command(
                "seed_demo",
                force=True,
                without_year=args.without_year,
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )
        finally:
            logging.disable(logging.NOTSET)
        print(f"demo data loaded in {time.perf_counter() - started:.0f} s")
    print(describe_data())
    # As every web worker does once it has started (contact_service.wsgi).
    from core.heap import freeze_after_start

    freeze_after_start()

    rows: list[Row] = []
    for spec in role_specs():
        user = user_for(spec)
        if user is None:
            rows.append(Row(spec.label, "(no active user in role)", "", 0, 0))
            continue
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for page, url in nav_pages(user) + detail_pages(user):
            label = f"{spec.label}: {page}"
            if args.only and args.only.lower() not in label.lower():
                continue
            is_mi = url == reverse("reporting:management_information")
            median, p95 = (args.mi_ms, args.mi_ms) if is_mi else (args.median_ms, args.p95_ms)
            row = Row(spec.label, page, url, median, p95)
            profile = bool(args.profile) and args.profile.lower() in label.lower()
            measure(client, row, args.repeats, profile)
            rows.append(row)

    print(f"\n{len(rows)} pages, {args.repeats} timed requests each (after one warm-up), ms:")
    print_table(rows)
    faulty = [r for r in rows if r.faults()]
    missed = [r for r in rows if r.misses()]

    sweep_missed = False
    if not args.no_sweep:
        ahead = args.sweep_ahead if args.sweep_ahead is not None else (0 if args.existing else 168)
        for what, marked, ms, target in time_sweep(ahead):
            over = ms > target
            sweep_missed |= over
            verdict = f"FAIL: over {target:g} ms" if over else "ok"
            print(f"{what:<36} {marked:>7,} marked {ms:9.1f} ms  {verdict}")

    slow = sorted((r for r in rows if r.times), key=lambda r: r.median, reverse=True)[:5]
    print("\nslowest medians: " + ", ".join(f"{r.role}: {r.page} {r.median:.0f}" for r in slow))
    if faulty:
        print(f"FAIL: {len(faulty)} of {len(rows)} pages not served or with varying query counts")
    if missed or sweep_missed:
        sweep = "; the sweep misses its target" if sweep_missed else ""
        verdict = "REPORT" if args.no_targets else "FAIL"
        print(f"{verdict}: {len(missed)} of {len(rows)} pages miss a time target{sweep}")
    if faulty or ((missed or sweep_missed) and not args.no_targets):
        return 1
    if not (missed or sweep_missed):
        print(
            f"OK: all {len(rows)} pages within {args.median_ms:g} / {args.p95_ms:g} ms "
            f"(MI {args.mi_ms:g} ms), constant query counts"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # whitenoise warns once that `collectstatic` has not run: pages are timed without assets.
    warnings.filterwarnings("ignore", message="No directory at")
    if args.existing:
        import django
        from django.conf import settings
        from throwaway import machine

        print(f"{machine()}, database {args.db_name}")
        settings.DATABASES["default"]["NAME"] = args.db_name
        django.setup()
        try:
            return run(args)
        finally:
            from django.db import connections

            connections.close_all()
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe="demo data",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
