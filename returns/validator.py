"""Run the DfE's CIN census rules on a file, in the validator's own interpreter.

`csc-validator-be-cin` cannot share the app's venv (it pins pandas<2 and needs numpy<2 and
pytest), so `scripts/ensure-cin-validator.sh` gives it `var/cin-validator-venv` and this module
runs `validator_runner.py` there as a subprocess, reading its JSON.
"""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).with_name("validator_runner.py")
TIMEOUT_SECONDS = 600


class ValidatorUnavailable(Exception):
    """The validator is not installed or could not run: the census cannot be checked."""


@dataclass
class Validation:
    """What the validator said about one file."""

    ruleset: str
    rules_run: int
    issues: list[dict] = field(default_factory=list)
    return_issues: list[dict] = field(default_factory=list)
    crashes: list[dict] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        """Errors block the return; a rule that crashed proves nothing, so it counts as one."""
        child = {(i["child_id"], i["rule_code"]) for i in self.issues if i["rule_type"] == "ERROR"}
        whole = [i for i in self.return_issues if i["rule_type"] == "ERROR"]
        return len(child) + len(whole) + len(self.crashes)

    @property
    def query_count(self) -> int:
        child = {(i["child_id"], i["rule_code"]) for i in self.issues if i["rule_type"] == "QUERY"}
        whole = [i for i in self.return_issues if i["rule_type"] == "QUERY"]
        return len(child) + len(whole)


def validator_python() -> Path:
    return Path(settings.CIN_VALIDATOR_PYTHON)


def validate_census(xml: bytes, *, year: int) -> Validation:
    """The DfE rules for collection year `year` (the year it ends) run over `xml`."""
    python = validator_python()
    if not python.exists():
        raise ValidatorUnavailable(
            f"The CIN census validator is not installed ({python} is missing): run make install."
        )
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        try:
            done = subprocess.run(  # noqa: S603 (our interpreter and script, a temp path, an int)
                [str(python), str(RUNNER), handle.name, str(year)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ValidatorUnavailable(f"The CIN census validator could not run: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ValidatorUnavailable(
            f"The CIN census validator failed for the {year} rules (exit {done.returncode}): {last}"
        )
    try:
        data = json.loads(done.stdout)
    except ValueError as exc:
        raise ValidatorUnavailable("The CIN census validator gave no readable answer.") from exc
    return Validation(
        ruleset=data["ruleset"],
        rules_run=data["rules_run"],
        issues=data["issues"],
        return_issues=data["return_issues"],
        crashes=data["crashes"],
    )
