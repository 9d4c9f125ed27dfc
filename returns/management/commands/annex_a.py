"""python manage.py annex_a --as-of 2026-11-30 --output annex_a.xlsx"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.annex_a import annex_a_lists, annex_a_workbook


class Command(BaseCommand):
    help = "Write Ofsted Annex A lists 1 to 3 for the six months before a date as one XLSX."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", required=True, help="The last day the lists cover, YYYY-MM-DD"
        )
        parser.add_argument("--output", required=True, help="Where to write the XLSX")

    def handle(self, *args, as_of: str, output: str, **options):
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise CommandError("--as-of must be a date, YYYY-MM-DD.") from exc
        annex = annex_a_lists(as_of=day)
        Path(output).write_bytes(annex_a_workbook(annex))
        counts = ", ".join(f"{name}: {len(rows)} rows" for name, rows in annex.rows.items())
        self.stdout.write(f"Wrote {output} ({annex.start} to {annex.as_of}): {counts}.")
