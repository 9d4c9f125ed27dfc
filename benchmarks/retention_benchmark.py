"""Whether the daily retention sweep finds the records past retention quickly at a large council.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/retention_benchmark.py --contacts 500000

It loads the same throwaway database as benchmarks/mi_benchmark.py (N contacts over eight
years, at 60,000 a year, with their children, ratings, referrals and CIN episodes, MASH
enquiries, early help decisions and clocks, cloned with SQL), then times the sweep's one
query per rule (`privacy.retention.past_retention`) under Camden's rules, prints its EXPLAIN
(ANALYZE, BUFFERS), and times a whole `retention_sweep` twice: the first run catches up on
eight years (the find plus the bulk insert of the reviews with their history), the second is
the daily run, which finds nothing new. It exits 1 if the daily run takes longer than
--budget seconds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from mi_benchmark import load, make_people  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=10.0, help="seconds, the daily run")
    parser.add_argument("--db-name", default="contact_service_retention_bench")
    parser.add_argument("--keep", action="store_true")
    # mi_benchmark.load reads these.
    parser.add_argument("--min-rows", type=int, default=10_000)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from privacy import retention, services
    from privacy.models import RetentionReview, RetentionRule

    call_command("migrate", verbosity=0)
    load(args, make_people())
    today = timezone.localdate()
    rules = list(RetentionRule.objects.filter(profile__code="camden"))
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        found = {rule.kind: len(retention.past_retention(rule, today=today)) for rule in rules}
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    print(f"past retention on {today}: {found}")
    print(f"finding: median {median * 1000:.0f} ms over {args.repeats} runs ({len(rules)} rules)")

    rule = max(rules, key=lambda r: found[r.kind])
    with CaptureQueriesContext(connection) as captured:
        retention.past_retention(rule, today=today)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])
        print(f"\nEXPLAIN (ANALYZE, BUFFERS), rule {rule}:")
        print("\n".join(row[0] for row in cursor.fetchall()))

    began = time.perf_counter()
    added = services.retention_sweep(today=today)
    print(f"\nretention_sweep: {added:,} reviews added in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    again = services.retention_sweep(today=today)
    daily = time.perf_counter() - began
    print(f"the daily run (idempotent): {again} added in {daily:.1f} s")
    assert RetentionReview.objects.count() == added
    if daily > args.budget:
        print(f"\nFAIL: the daily run took {daily:.1f} s, over the budget of {args.budget:.1f} s")
        return 1
    print(f"\nOK: the daily run took {daily:.1f} s, within {args.budget:.1f} s")
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
