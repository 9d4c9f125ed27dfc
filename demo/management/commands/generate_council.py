"""`manage.py generate_council`: a synthetic large council for benchmarks (demo.scale).

    python manage.py generate_council --scale 0.05 --password 'scale-pass-2026' --not-live

Defaults are the issue's large London borough: 1,000,000 people, 2,500,000 contacts over 25
years, 500,000 MASH enquiries and about 100,000 open clocks. It refuses to run with DEBUG off
unless told `--not-live` (the test settings and a benchmark database run with DEBUG off), and
refuses any database holding people or contacts it did not make (demo.scale.guard).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import scale
from thresholds.models import CouncilProfile
from thresholds.selectors import current_profile


class Command(BaseCommand):
    help = "Build a synthetic council (people, contacts, MASH, clocks, grants, history) with COPY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every default count (0.05: 50,000 people).",
        )
        for name, default in scale.DEFAULTS.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                default=None,
                help=f"Default {default:,} (times --scale).",
            )
        parser.add_argument("--years", type=int, default=25, help="Years of records (default 25).")
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument(
            "--profile", default=None, help="Council profile code (default: the running one)."
        )
        parser.add_argument(
            "--password",
            default="",
            help="Password of every generated user (default: none can log in).",
        )
        parser.add_argument(
            "--staff-scale",
            type=float,
            default=None,
            help="Multiply the ~250 staff (default: the square root of --scale, at most 1).",
        )
        parser.add_argument(
            "--unswept-hours",
            type=float,
            default=0,
            help="Leave clocks that fell due (soon) in the last N hours unmarked, "
            "as if the sweep had not run for N hours.",
        )
        parser.add_argument(
            "--not-live",
            action="store_true",
            help="Confirm this database is not a live service (needed with DEBUG off).",
        )

    def handle(self, *args, **opts) -> None:
        scale.guard(not_live=opts["not_live"])  # refuse early; generate checks again, locked
        counts = scale.scaled(opts["scale"])
        for name in scale.DEFAULTS:
            if opts[name] is not None:
                counts[name] = opts[name]
        if counts["enquiries"] > counts["contacts"]:
            raise CommandError("Every enquiry is on a contact of its own: ask for fewer enquiries.")
        try:
            profile = (
                CouncilProfile.objects.get(code=opts["profile"])
                if opts["profile"]
                else current_profile()
            )
        except CouncilProfile.DoesNotExist as exc:
            raise CommandError(f"No council profile {opts['profile']!r}.") from exc
        staff_scale = opts["staff_scale"] or min(1.0, opts["scale"] ** 0.5)
        options = scale.Options(
            **counts,
            years=opts["years"],
            seed=opts["seed"],
            staff_scale=staff_scale,
            password=opts["password"] or None,
            unswept_hours=opts["unswept_hours"],
            not_live=opts["not_live"],
        )
        self.stdout.write(f"generate_council under {profile}: {counts}")
        run = scale.generate(profile=profile, options=options, report=self.stdout.write)
        seconds = (run.finished_at - run.started_at).total_seconds()
        rows = sum(v for k, v in run.counts.items() if not k.startswith(("path", "open")))
        self.stdout.write(f"done in {seconds:.0f} s: {rows:,} rows ({rows / seconds:,.0f} rows/s)")
        for name, count in run.counts.items():
            self.stdout.write(f"  {name:<45} {count:>12,}")
