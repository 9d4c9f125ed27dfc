"""Whether the weekly unusual access report stays set-based over a large access log.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/unusual_access_benchmark.py --reads 500000

It creates a throwaway database beside the configured one, migrates it, makes staff through
the account services, clones one person and one contact into `--reads / 10` children and
contacts (each child on its own contact), grants a tenth of the contacts to a worker, then
writes `--reads` access log rows spread over a year (half on the person's page, half on the
contact's, a few from a queue page and under a break glass). After ANALYZE it prints
EXPLAIN (ANALYZE, BUFFERS) of privacy.unusual's query for the last week and exits non-zero
if the plan sequentially scans the access log, a grant table or a history table.

Cloning rows with SQL bypasses the services (and so history): a measurement harness only.
"""

# ruff: noqa: S608 -- the SQL built here interpolates only this script's own integers.
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from grants_benchmark import clone, execute  # noqa: E402
from psycopg import sql  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402

STAFF = 100
# Tables the report must reach through an index, whatever their size.
BIG_TABLES = (
    "accounts_accesslog",
    "referrals_contactuserobjectpermission",
    "referrals_historicalcontact",
    "referrals_historicalperson",
    "referrals_historicalcontactperson",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=500_000)
    parser.add_argument(
        "--min-rows",
        type=int,
        default=10_000,
        help="below this many rows a sequential scan is the right plan and is not a failure",
    )
    parser.add_argument("--db-name", default="contact_service_unusual_bench")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    return parser.parse_args(argv)


def load(args: argparse.Namespace) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from accounts import services as accounts
    from accounts.roles import Role
    from referrals import services
    from referrals.models import Contact, ContactPerson, ContactUserObjectPermission, Person
    from tests.factories import PersonFactory

    staff = [
        accounts.user_create(
            username=f"staff{i}",
            password="correct-horse-battery",
            first_name="Staff",
            last_name=str(i),
            email=f"staff{i}@example.org",
            roles=[Role.SCREENING_OFFICER] if i % 2 else [],
            by=None,
            reason="Benchmark user",
        )
        for i in range(STAFF)
    ]
    now = timezone.now()
    screener = staff[1]
    person = PersonFactory()
    contact = services.contact_start(by=screener, source="phone", received_at=now)
    link = services.contact_link_person(contact=contact, person=person, by=screener, role="child")
    children = max(args.reads // 10, 1)
    started = time.perf_counter()
    clone(
        Person,
        person.pk,
        f"SELECT n FROM generate_series(1, {children}) n",
        {"case_number": "'U' || lpad(n::text, 9, '0')", "nhs_number": "NULL"},
    )
    clone(
        Contact,
        contact.pk,
        f"SELECT n FROM generate_series(1, {children}) n",
        {"reference": "'U' || lpad(n::text, 9, '0')"},
    )
    pairs = (
        "SELECT p.id AS person, c.id AS contact, substr(p.case_number, 2)::int AS n "
        "FROM referrals_person p JOIN referrals_contact c "
        "ON substr(c.reference, 2) = substr(p.case_number, 2) "
        "WHERE p.case_number LIKE 'U%' AND c.reference LIKE 'U%'"
    )
    clone(ContactPerson, link.pk, pairs, {"contact_id": "s.contact", "person_id": "s.person"})
    # History as the services would have written it: each record created by a staff member.
    staff_ids = "ARRAY[" + ",".join(str(u.pk) for u in staff) + "]"
    author = f"({staff_ids})[s.n % {STAFF} + 1]"
    # (clone copies the template's history rows: `id` there is the record's id.)
    for model, template, key in ((Person, person, "s.person"), (Contact, contact, "s.contact")):
        clone(model.history.model, template.pk, pairs, {"id": key, "history_user_id": author})
    clone(
        ContactPerson.history.model,
        link.pk,
        pairs,
        {"person_id": "s.person", "contact_id": "s.contact", "history_user_id": author},
    )
    from django.contrib.auth.models import Permission

    view = Permission.objects.get(codename="view_contact", content_type__app_label="referrals")
    execute(
        sql.SQL(
            f"INSERT INTO {ContactUserObjectPermission._meta.db_table} "
            "(user_id, permission_id, content_object_id) "
            f"SELECT ({staff_ids})[s.n % {STAFF} + 1], {view.pk}, s.contact "
            f"FROM ({pairs}) s WHERE s.n % 10 = 0"
        )
    )
    person_ct = ContentType.objects.get_for_model(Person).pk
    contact_ct = ContentType.objects.get_for_model(Contact).pk
    # Each read: a staff member, a child (or their contact), a time within the last year.
    reads = execute(
        sql.SQL(
            "INSERT INTO accounts_accesslog "
            "(user_id, at, action, content_type_id, object_id, description, path, details) "
            f"SELECT ({staff_ids})[g % {STAFF} + 1], "
            "now() - (g % 525600) * interval '1 minute', 'view', "
            f"CASE WHEN g % 2 = 0 THEN {person_ct} ELSE {contact_ct} END, "
            "CASE WHEN g % 2 = 0 THEN s.person ELSE s.contact END, 'Read', "
            "CASE WHEN g % 50 = 0 THEN '/contacts/new/' "
            "WHEN g % 2 = 0 THEN '/people/' || s.person || '/' "
            "ELSE '/contacts/' || s.contact || '/' END, "
            "CASE WHEN g % 997 = 0 THEN '{\"break_glass\": 1}'::jsonb ELSE '{}'::jsonb END "
            f"FROM generate_series(1, {args.reads}) g "
            f"JOIN ({pairs}) s ON s.n = g % {children} + 1"
        )
    )
    print(
        f"loaded {children:,} children and {reads:,} reads in {time.perf_counter() - started:.1f} s"
    )
    execute(sql.SQL("ANALYZE"))
    return {"staff": staff}


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from privacy import unusual

    call_command("migrate", verbosity=0)
    load(args)
    start, end = unusual.week_bounds(unusual.last_full_week(timezone.localdate()))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + unusual._sql(), unusual.params(start, end))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    began = time.perf_counter()
    rows, checked = unusual.unusual_reads(start, end)
    print(
        f"the week: {checked:,} reads checked, {len(rows):,} unusual pairs, "
        f"{(time.perf_counter() - began) * 1000:.0f} ms"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= %s",
            [list(BIG_TABLES), args.min_rows],
        )
        big = {row[0] for row in cursor.fetchall()}
    scanned = [t for t in sorted(big) if f"Seq Scan on {t}" in plan]
    if scanned:
        print(f"FAIL: sequential scan of {', '.join(scanned)}")
        return 1
    print(f"ok: no sequential scan of {', '.join(sorted(big)) or 'any table'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe=f"{args.reads:,} access log rows",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
