"""A synthetic large council, built with COPY: `manage.py generate_council` (issue 13).

The page and sweep benchmarks need a council the size of a large London borough (a million
people, two and a half million contacts over 25 years, 100,000 clocks open) with every
derived row the services would have written: matching and search keys, clocks, history,
the access log, and object permissions granted and ended as the work moved on. Made through
the services this would take days; here each contact's path is replayed in Python against
the lifecycle's own tables (`demo.scale.replay`) and the rows are COPYed
(`demo.scale.copying`).

- `demo.scale.staff`: staff of every role through `accounts.services.user_create`;
- `demo.scale.people`: families (addresses, households, parents, siblings, partners);
- `demo.scale.replay`: the paths, and a path's grants and clocks from `referrals.lifecycle`;
- `demo.scale.work`: contacts, ratings, referrals, early help decisions, clocks, grants,
  history and reads; `demo.scale.enquiries`: MASH enquiries with partner requests and answers;
  `demo.scale.involvements`: children open to social care and the screening routes it causes;
- `demo.scale.bulk`: into an empty database, indexes and foreign keys built after the load.

It only ever writes into an empty database or one it alone filled (`guard`), recording the
id ranges of each run in `demo.ScaleRun`.
"""

import datetime as dt
import math
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from demo.models import ScaleRun
from referrals.models import (
    Contact,
    Involvement,
    NumberSequence,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
)
from thresholds.models import CouncilProfile

from .bulk import LooseLoad, empty_tables
from .copying import Loader
from .involvements import involvement_grants_sql
from .people import YEAR, People
from .replay import HISTORIC, OPEN, THROUGH_MASH
from .staff import ensure_staff
from .work import Work, person_grants_sql

# The large London borough.
DEFAULTS = {
    "people": 1_000_000,
    "contacts": 2_500_000,
    "enquiries": 500_000,
    "open_clocks": 100_000,
}
# Open clocks an open contact of each path runs, on average (measured at --scale 0.05: most
# partner checks are answered within two days, so a MASH contact runs little more than one).
OPEN_CLOCKS_PER_CONTACT = {
    "draft": 0,
    "new": 1,
    "awaiting rating": 1,
    "with the MASH": 1.3,
    "with the MASH, no enquiry yet": 1,
    "with early help": 2,
}
LOCK = 0x5CA1E  # advisory lock: one generator at a time
FAMILIES_PER_BATCH = 5_000
CONTACTS_PER_BATCH = 10_000


@dataclass
class Options:
    people: int
    contacts: int
    enquiries: int
    open_clocks: int
    years: int = 25
    seed: int = 20261129
    staff_scale: float = 1.0
    password: str = ""
    unswept_hours: float = 0
    not_live: bool = False  # the caller says this database is not a live service


def scaled(fraction: float) -> dict[str, int]:
    """The default counts times `fraction` (at least one of each)."""
    return {k: max(1, round(v * fraction)) for k, v in DEFAULTS.items()}


def guard(*, not_live: bool) -> None:
    """Refuse a live service and a database holding records the generator did not make."""
    if connection.vendor != "postgresql":
        raise CommandError(
            "generate_council loads with PostgreSQL COPY: use a PostgreSQL database."
        )
    if not settings.DEBUG and not not_live:
        raise CommandError(
            "DEBUG is off, so this may be a live service: generate_council writes made-up "
            "children. If this database is not live, say so with --not-live."
        )
    for model, first, last in (
        (Person, "first_person", "last_person"),
        (Contact, "first_contact", "last_contact"),
    ):
        ours = Q()
        for run in ScaleRun.objects.values(first, last):
            ours |= Q(pk__gte=run[first], pk__lte=run[last])
        theirs = model.objects.exclude(ours) if ours else model.objects.all()
        if theirs.exists():
            raise CommandError(
                f"This database holds {model._meta.verbose_name_plural} that generate_council "
                "did not make: it only fills an empty database or one it made itself."
            )


def _contact_plan(families, options: Options, rng: random.Random, now: dt.datetime):
    """(received at, family, path, open?) for every contact, oldest first: each family at
    least once, the rest drawn by a heavy-tailed weight (a few families are contacted about
    again and again), open work in its last days, the MASH's share of closed work set by the
    enquiries asked for."""
    open_paths = [(p, w) for p, w, _ in OPEN]
    per_open = sum(OPEN_CLOCKS_PER_CONTACT[p.name] * w for p, w in open_paths) / sum(
        w for _, w in open_paths
    )
    open_count = min(options.contacts, math.ceil(options.open_clocks / per_open))
    historic = options.contacts - open_count
    weights = [
        rng.lognormvariate(0, 1.2) * max(1.0, (f.active_to - f.active_from) / YEAR)
        for f in families
    ]
    sums = list(accumulate(weights))
    chosen = list(range(min(historic, len(families))))
    chosen += [_draw(sums, rng) for _ in range(historic - len(chosen))]
    open_with_mash = open_count * dict((p.name, w) for p, w in open_paths)["with the MASH"] / 100
    mash_share = max(0.0, min(1.0, (options.enquiries - open_with_mash) / max(1, historic)))
    plan = []
    for i in chosen:
        family = families[i]
        received = family.active_from + (family.active_to - family.active_from) * rng.random()
        pool = THROUGH_MASH if rng.random() < mash_share else HISTORIC
        plan.append((received, i, _pick(pool, rng), False))
    current = [i for i, f in enumerate(families) if f.active_to >= now - dt.timedelta(days=1)]
    current_sums = list(accumulate(weights[i] for i in current)) if current else []
    open_pool = [(p, w) for p, w, _ in OPEN]
    days_back = {p.name: d for p, _, d in OPEN}
    for _ in range(open_count if current else 0):
        path = _pick(open_pool, rng)
        received = now - dt.timedelta(days=days_back[path.name]) * rng.random()
        plan.append((received, current[_draw(current_sums, rng)], path, True))
    plan.sort(key=lambda spec: spec[0])
    return plan


def _draw(sums: list[float], rng: random.Random) -> int:
    return min(len(sums) - 1, bisect(sums, rng.random() * sums[-1]))


def _pick(pool, rng: random.Random):
    total = sum(w for _, w in pool)
    roll = rng.random() * total
    for path, weight in pool:
        roll -= weight
        if roll < 0:
            return path
    return pool[-1][0]


def generate(
    *, profile: CouncilProfile, options: Options, report: Callable[[str], None]
) -> ScaleRun:
    """Build the council; returns the run with its counts."""
    rng = random.Random(options.seed)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
    try:
        # Checked under the lock (a run that started meanwhile has recorded its ranges) and
        # before anything is written, staff included.
        guard(not_live=options.not_live)
        staff = ensure_staff(
            profile=profile, password=options.password, staff_scale=options.staff_scale
        )
        report(
            f"staff: {sum(len(v) for v in staff.by_role.values())} users in "
            f"{sum(len(v) for v in staff.teams.values())} teams and {len(staff.agencies)} agencies"
        )
        # Into an empty database, index upkeep is most of the load's time: build them after.
        loose = LooseLoad(empty_tables() if not ScaleRun.objects.exists() else [], report)
        loader = Loader(now=now, report=report)
        first_ids = (loader[Person].next_id, loader[Contact].next_id)
        run = ScaleRun.objects.create(
            started_at=now,
            seed=options.seed,
            options={k: v for k, v in vars(options).items() if k != "password"},
            first_person=first_ids[0],
            last_person=first_ids[0] - 1,
            first_contact=first_ids[1],
            last_contact=first_ids[1] - 1,
        )
        loose.drop()
        try:
            people = People(loader, rng, now=now, years=options.years)
            families = []
            while people.made < options.people:
                families.append(people.family(options.people - people.made))
                if len(families) % FAMILIES_PER_BATCH == 0:
                    _commit(loader, run, f"people {people.made:,}")
            _commit(loader, run, f"people {people.made:,}")
            work = Work(
                loader,
                rng,
                profile=profile,
                staff=staff,
                now=now,
                swept_at=now - dt.timedelta(hours=options.unswept_hours),
            )
            work.next_reference = _sequence("contact") + 1
            first_involvement = loader[Involvement].next_id
            for n, (received, i, path, open_work) in enumerate(
                _contact_plan(families, options, rng, now), start=1
            ):
                work.contact(families[i], path, received, open_work=open_work)
                if n % CONTACTS_PER_BATCH == 0:
                    _commit(loader, run, f"contacts {n:,}")
            _commit(loader, run, "contacts, all")
        finally:
            loose.restore()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in person_grants_sql(run.first_contact, run.last_contact):
                cursor.execute(statement)
            cursor.execute(*involvement_grants_sql(first_involvement))
            _set_sequence("person", loader[Person].next_id - 1)
            _set_sequence("contact", work.next_reference - 1)
        # The people's grants were written by SQL, not by the loader: vacuumed and analysed with
        # its tables on every run (a second run grows them; finish() otherwise analyses only a
        # table with no statistics yet). Without statistics PostgreSQL read a person's group
        # grants through every grant of the permission, 28,000 entries six times a person page.
        loader.finish(also=[PersonUserObjectPermission, PersonGroupObjectPermission])
        run.counts = (
            loader.counts()
            | {"open clocks": work.open_clocks}
            | {f"path: {k}": v for k, v in sorted(work.by_path.items())}
        )
        run.finished_at = timezone.now()
        run.save()
        return run
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])


def _commit(loader: Loader, run: ScaleRun, what: str) -> None:
    """Write the batch and widen the run's id ranges in one transaction, so every committed
    person and contact is inside a recorded range."""
    with transaction.atomic():
        loader.flush(what)
        ScaleRun.objects.filter(pk=run.pk).update(
            last_person=loader[Person].next_id - 1, last_contact=loader[Contact].next_id - 1
        )
    run.refresh_from_db()


def _sequence(name: str) -> int:
    row = NumberSequence.objects.filter(name=name).first()
    return row.last_value if row else 0


def _set_sequence(name: str, value: int) -> None:
    """The case-number / reference counter after the generated numbers (services go on)."""
    NumberSequence.objects.update_or_create(
        name=name, defaults={"last_value": max(value, _sequence(name))}
    )
