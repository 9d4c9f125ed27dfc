"""How fast person matching is at a large council's size, and whether it stays on indexes.

Run from the project root:

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \
        .venv/bin/python benchmarks/matching_benchmark.py --people 300000

It creates a throwaway database beside the configured one (same server and role),
migrates it, loads N synthetic people with COPY, runs ANALYZE, times representative
searches through `referrals.matching.find_candidates` and prints EXPLAINs of the
candidate query. It exits non-zero if any search's plan sequentially scans
referrals_person. The database is dropped at the end unless --keep is given.

Loading rows with COPY bypasses `person_create` (and so history): this is a
measurement harness, not domain flow. The keys are computed with
`matching.person_keys`, exactly as the service does.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")

from faker import Faker  # noqa: E402
from psycopg import sql  # noqa: E402
from throwaway import run_in_throwaway_database  # noqa: E402

TODAY = dt.date(2025, 6, 1)  # fixed, so a seed always gives the same people and searches
KINDS = ("exact", "typo", "initial", "swapped_dob", "swapped_names", "names_only", "nhs")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--db-name", default="contact_service_bench")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    parser.add_argument(
        "--names",
        choices=("london", "en_GB"),
        default="london",
        help="london: names in the mix of a London borough (demo/names.py); en_GB: Faker's "
        "en_GB pool alone, as before (500 surnames, for comparison)",
    )
    return parser.parse_args()


def nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """Distinct NHS numbers with valid modulus-11 check digits."""
    numbers: set[str] = set()
    while len(numbers) < count:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        numbers.add("".join(map(str, digits)) + str(0 if check == 11 else check))
    return sorted(numbers, key=lambda _: rng.random())


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def synthetic_people(count: int, seed: int, names: str = "london") -> list[dict]:
    """People over 25 years of referrals: mostly children, some parents, a few unborn.

    Keys come from `person_keys`, as `person_create` would set them. `names` is "london"
    (demo/names.py: each person's names from one origin, in London's mix) or "en_GB" (Faker's
    en_GB pool alone, drawn exactly as the benchmark did before).
    """
    from demo import names as pools
    from referrals.matching import person_keys

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    numbers = iter(nhs_numbers(rng, count))
    households = max(1, int(count / 2.5))
    people = []
    for i in range(count):
        sex = rng.choice("MF")
        if names == "en_GB":
            first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        else:
            pool = pools.london(rng)
            first = pool.first(rng, female=sex == "F")
        roll = rng.random()
        dob = expected = None
        if roll < 0.70:  # children referred at any time over 25 years
            dob = random_date(rng, TODAY - dt.timedelta(days=43 * 365), TODAY)
        elif roll < 0.95:  # parents and carers
            dob = random_date(rng, dt.date(1950, 1, 1), dt.date(2006, 12, 31))
        elif roll < 0.995:  # adults whose date of birth was never recorded
            pass
        else:
            expected = random_date(
                rng, TODAY - dt.timedelta(days=25 * 365), TODAY + dt.timedelta(days=270)
            )
            first, sex = "Unborn", "U"
        nhs_number = next(numbers) if rng.random() < 0.85 else None  # drawn in the old order
        if names == "en_GB":
            middle = fake.first_name() if rng.random() < 0.4 else ""
            last = fake.last_name()
        else:
            middle = pool.first(rng, female=sex == "F") if rng.random() < 0.4 else ""
            last = pool.last(rng)
        people.append(
            {
                "case_number": f"B{i:08d}",
                "nhs_number": nhs_number,
                "first_name": first,
                "middle_names": middle,
                "last_name": last,
                "date_of_birth": dob,
                "expected_date_of_birth": expected,
                "sex": sex,
                "address_id": rng.randint(1, households) if rng.random() < 0.9 else None,
            }
        )
        people[-1].update(person_keys(first, people[-1]["last_name"]))
    return people


def synthetic_addresses(count: int, seed: int) -> list[dict]:
    """Household addresses on a few thousand streets (Faker's address calls are slow)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    streets = [(fake.street_name(), fake.city(), fake.postcode()[:-2]) for _ in range(5000)]
    addresses = []
    for i in range(count):
        street, town, sector = rng.choice(streets)
        letters = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
        addresses.append(
            {
                "id": i + 1,
                "line_1": f"{rng.randint(1, 240)} {street}",
                "town": town,
                "postcode": sector + letters,
            }
        )
    return addresses


def copy_rows(model, rows: list[dict]) -> float:
    """COPY rows into the model's table; columns not in a row get the model's default."""
    from django.db import connection
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.primary_key]
    now = timezone.now()

    def value(field, row):
        if field.attname in row:
            return row[field.attname]
        if field.null:
            return None
        if field.has_default() or field.empty_strings_allowed:
            return field.get_default()  # "" for a text column without a default
        return now  # created_at / updated_at

    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    table = sql.Identifier(model._meta.db_table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(table, columns)
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([value(f, row) for f in fields])
    return time.perf_counter() - started


def typo(name: str, rng: random.Random) -> str:
    """One keyboard slip after the first letter: swap, drop, double or change a vowel."""
    if len(name) < 4:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    slip = rng.choice(("swap", "drop", "double", "vowel"))
    if slip == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if slip == "drop":
        return name[:i] + name[i + 1 :]
    if slip == "double":
        return name[: i + 1] + name[i:]
    vowels = [j for j, c in enumerate(name) if j and c in "aeiou"]
    if not vowels:
        return name[:i] + name[i + 1 :]
    j = rng.choice(vowels)
    return name[:j] + rng.choice([v for v in "aeiou" if v != name[j]]) + name[j + 1 :]


def searches(people: list[dict], count: int, seed: int) -> list[tuple[str, dict, object]]:
    """(kind, target person, SearchTerms) for representative look-ups of known people."""
    from referrals.matching import SearchTerms, swapped_day_month

    rng = random.Random(seed + 1)
    born = [p for p in people if p["date_of_birth"] and p["first_name"] != "Unborn"]
    plan = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        while True:
            p = rng.choice(born)
            dob = p["date_of_birth"]
            if kind == "swapped_dob" and not swapped_day_month(dob):
                continue
            if kind == "nhs" and not p["nhs_number"]:
                continue
            break
        first, last = p["first_name"], p["last_name"]
        terms = {
            "exact": SearchTerms(first, last, dob),
            "typo": SearchTerms(first, typo(last, rng), dob),
            "initial": SearchTerms(first[0], last, dob),
            "swapped_dob": SearchTerms(first, last, swapped_day_month(dob)),
            "swapped_names": SearchTerms(last, first, dob),
            "names_only": SearchTerms(first, last),
            "nhs": SearchTerms(first, last, dob, p["nhs_number"]),
        }[kind]
        plan.append((kind, p, terms))
    return plan


def full_name(person: dict) -> tuple[str, str]:
    """The name as matching compares it ("Zoë O'Brien" and "Zoe OBrien" are the same)."""
    from referrals.matching import normalise_name

    return normalise_name(person["first_name"]), normalise_name(person["last_name"])


def print_misses(misses: list, people: list[dict], namesakes: Counter) -> None:
    """Why each search that did not list its person missed: how many share the exact name, and
    whether giving the middle name the record holds (the search form's optional field) lists
    them. The second search is not timed or counted in the table."""
    from dataclasses import replace

    from referrals.matching import find_candidates

    if not misses:
        return
    print("\nSearches that did not list the person searched for:")
    for kind, target, terms, shown in misses:
        name = full_name(target)
        older = sum(
            full_name(p) == name for p in people if p["case_number"] < target["case_number"]
        )
        dob = terms.date_of_birth or "none"
        line = (
            f"  {kind}: {terms.first_name} {terms.last_name} (date of birth {dob}): "
            f"{namesakes[name]} people have that exact name, the list showed {shown} of them; "
            f"this person's record is number {older + 1} of the name, oldest first"
        )
        middle = target["middle_names"]
        if middle:
            again = find_candidates(replace(terms, middle_names=middle))
            listed = target["case_number"] in [c.person.case_number for c in again]
            line += f"; with the middle name {middle} given: {'listed' if listed else 'not listed'}"
        else:
            line += "; no middle name recorded"
        print(line)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from referrals.matching import (
        MAX_CANDIDATES,
        MAX_FETCHED,
        candidate_queryset,
        find_candidates,
        normalise_name,
    )
    from referrals.models import Address, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    people = synthetic_people(args.people, args.seed, args.names)
    addresses = synthetic_addresses(max(1, int(args.people / 2.5)), args.seed)
    took = time.perf_counter() - started
    print(f"generated {len(people):,} people, {len(addresses):,} addresses in {took:.1f} s")
    namesakes = Counter(full_name(p) for p in people)
    crowded = sum(n for n in namesakes.values() if n > MAX_CANDIDATES)
    print(
        f"names ({args.names}): {len({normalise_name(p['last_name']) for p in people}):,} "
        f"surnames, {len(namesakes):,} full names; {crowded / len(people):.1%} of people share "
        f"their full name with more than {MAX_CANDIDATES} others"
    )
    print(f"copied in {copy_rows(Address, addresses) + copy_rows(Person, people):.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_address")
        cursor.execute("ANALYZE referrals_person")
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('referrals_person'))")
        size = cursor.fetchone()[0]
    print(
        f"{Person.objects.count():,} rows in referrals_person ({size}); {server.split(' on ')[0]}"
    )

    plan = searches(people, args.searches, args.seed)
    for _, _, terms in plan[:20]:  # warm the caches and connection
        find_candidates(terms)

    timings, fetched, outcomes = defaultdict(list), defaultdict(list), defaultdict(list)
    seq_scans, misses = [], []
    for kind, target, terms in plan:
        began = time.perf_counter()
        candidates = find_candidates(terms)
        timings[kind].append((time.perf_counter() - began) * 1000)
        ranks = [c.person.case_number for c in candidates]
        rank = ranks.index(target["case_number"]) + 1 if target["case_number"] in ranks else None
        outcomes[kind].append(rank)
        if rank is None:
            shown = sum(full_name(vars(c.person)) == full_name(target) for c in candidates)
            misses.append((kind, target, terms, shown))
        query = candidate_queryset(terms).select_related("address")[:MAX_FETCHED]
        fetched[kind].append(query.count())
        if "Seq Scan on referrals_person" in query.explain():
            seq_scans.append((kind, terms))

    print(f"\n{len(plan)} searches (find_candidates: query + scoring), milliseconds:")
    line = "{:<14}{:>4}{:>9}{:>8}{:>8}{:>10}{:>8}{:>8}"
    print(line.format("kind", "n", "median", "p95", "max", "rows p95", "top 1", "listed"))
    every = []
    for kind in KINDS:
        ms, rows, ranks = timings[kind], fetched[kind], outcomes[kind]
        every += ms
        top = sum(r == 1 for r in ranks)
        listed = sum(r is not None for r in ranks)
        times = [f"{t:.1f}" for t in (statistics.median(ms), percentile(ms, 0.95), max(ms))]
        found = [f"{top}/{len(ranks)}", f"{listed}/{len(ranks)}"]
        print(line.format(kind, len(ms), *times, percentile(rows, 0.95), *found))
    times = [f"{t:.1f}" for t in (statistics.median(every), percentile(every, 0.95), max(every))]
    print(line.format("all", len(every), *times, "", "", ""))

    print_misses(misses, people, namesakes)

    for kind in ("exact", "names_only"):
        _, _, terms = next(item for item in plan if item[0] == kind)
        query = candidate_queryset(terms).select_related("address")[:MAX_FETCHED]
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) for a {kind} search: {terms}")
        print(query.explain(analyze=True, buffers=True))

    if seq_scans:
        print(f"\nFAIL: {len(seq_scans)} searches sequentially scan referrals_person, e.g.")
        print(seq_scans[0])
        return 1
    print(f"\nOK: no sequential scan of referrals_person in {len(plan)} candidate-query plans")
    return 0


def main() -> int:
    args = parse_args()
    return run_in_throwaway_database(
        db_name=args.db_name,
        keep=args.keep,
        describe=f"{args.people:,} people ({args.names} names), seed {args.seed}",
        run=lambda: run(args),
    )


if __name__ == "__main__":
    sys.exit(main())
