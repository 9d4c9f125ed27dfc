"""python manage.py cin_census --year 2027 --output census.xml"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.services import census_check
from returns.validator import ValidatorUnavailable
from thresholds.selectors import current_profile


class Command(BaseCommand):
    help = (
        "Write the CIN census XML for the collection year ending 31 March YEAR and check it "
        "with the DfE's rules; exit non-zero, listing the errors, if it would not pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends")
        parser.add_argument("--output", required=True, help="Where to write the XML")

    def handle(self, *args, year: int, output: str, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("--year is the year the collection ends, e.g. 2027.")
        try:
            checked = census_check(year=year, profile=current_profile())
        except ValidatorUnavailable as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        census, validation = checked.census, checked.validation
        Path(output).write_bytes(census.xml)
        self.stdout.write(
            f"Wrote {output}: {len(census.person_ids)} children, {census.episode_count} "
            f"referrals, collection year {year - 1} to {year}."
        )
        self.stdout.write(
            f"DfE rules {validation.ruleset}: {validation.rules_run} run, "
            f"{validation.error_count} errors, {validation.query_count} queries."
        )
        for issue in validation.return_issues:
            self.stdout.write(
                f"  {issue['rule_type']} {issue['rule_code']} (whole return): "
                f"{issue['description']}"
            )
        seen = set()
        for issue in validation.issues:
            key = (issue["child_id"], issue["rule_code"], issue["column"])
            if key in seen:
                continue
            seen.add(key)
            value = issue["value"] or "missing"
            self.stdout.write(
                f"  {issue['rule_type']} {issue['rule_code']} child {issue['child_id']} "
                f"{issue['table']}.{issue['column']}={value}: {issue['description']}"
            )
        for crash in validation.crashes:
            self.stdout.write(
                f"  ERROR rule {crash['rule_code']} could not run: {crash['message']}"
            )
        if validation.error_count:
            raise CommandError(
                f"The census would not pass: {validation.error_count} errors (listed above)."
            )
