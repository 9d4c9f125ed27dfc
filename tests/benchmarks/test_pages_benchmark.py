"""The page benchmark still runs on the demo data, times every page each role uses, and fails
the run when a page misses its target (so it cannot rot between the runs that matter)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

_FRONT_DOOR = ["Your work", "New contacts", "In progress", "Log a contact", "Find a person"]
_DETAIL = ["contact", "person", "chronology", "search for them"]
_MANAGERS = ["Find a person", "Unusual access", "MI", "Lockouts"]

# Each role's own navigation, then the records it works on (benchmarks/pages_benchmark.py).
EXPECTED = {
    "screening officer": [*_FRONT_DOOR, *_DETAIL, "screen contact"],
    "senior practitioner": [
        *_FRONT_DOOR,
        "Awaiting rating",
        "Daily discussion",
        *_DETAIL,
        "rate contact",
    ],
    "MASH social worker": ["Your work", "MASH queue", "Find a person", *_DETAIL, "enquiry"],
    "MASH manager": [
        "Your work",
        "Awaiting rating",
        "MASH queue",
        "Daily discussion",
        "Overdue dashboard",
        "Find a person",
        "Unusual access",
        "Lockouts",
        *_DETAIL,
        "enquiry",
    ],
    "police": ["Your work", "Requests for checks", "MERLIN reports", "partner request"],
    "health": ["Your work", "Requests for checks", "partner request"],
    "early help duty manager": [
        "Your work",
        "Early help queue",
        "Early Help Panel",
        "Family work",
        "Daily discussion",
        "Overdue dashboard",
        "Find a person",
        "Lockouts",
        *_DETAIL,
        "early help decision",
        "family work case",
    ],
    "team manager": [
        "Your work",
        "Daily discussion",
        "Team contacts",
        "Workers' trays",
        "Step down",
        "Overdue dashboard",
        "Reports",
        "Statutory returns",
        *_MANAGERS,
        *_DETAIL,
        "worker tray",
    ],
    "service manager": [
        "Your work",
        "Overdue dashboard",
        "Reports",
        "Statutory returns",
        "Subject access",
        *_MANAGERS,
        *_DETAIL,
    ],
}
ROW = re.compile(r"^(?P<role>.{24}) (?P<page>.{26}) +(?P<median>[\d.]+) +(?P<p95>[\d.]+) ")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "benchmarks/pages_benchmark.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _rows(stdout: str) -> dict[tuple[str, str], str]:
    rows = {}
    for line in stdout.splitlines():
        match = ROW.match(line)
        if match:
            rows[(match["role"].strip(), match["page"].strip())] = line
    return rows


def test_page_benchmark_times_every_page_and_fails_past_its_targets():
    name = f"pages_bench_{settings.DATABASES['default']['TEST']['NAME']}"
    try:
        # An absurd target: every page misses it, so the run must fail, page by page.
        missed = _run(
            "--repeats", "2", "--without-year", "--median-ms", "0.001", "--mi-ms", "0.001", "--db-name", name, "--keep"
        )  # fmt: skip
        out = missed.stdout + missed.stderr
        assert missed.returncode == 1, out
        rows = _rows(missed.stdout)
        expected = {(role, page) for role, pages in EXPECTED.items() for page in pages}
        assert expected <= set(rows), sorted(expected - set(rows))
        for key, line in rows.items():
            assert "FAIL: median over 0" in line, line
            assert "answered" not in line and "queries vary" not in line, line
        assert re.search(r"deadline sweep, clocks due +[1-9][\d,]* marked", missed.stdout), out
        assert re.search(r"deadline sweep, nothing due +0 marked", missed.stdout), out

        # The same data with the targets made unmissable, then only reported: both pass.
        generous = ["--median-ms", "1e6", "--p95-ms", "1e6", "--mi-ms", "1e6"]
        some = ["--existing", "--db-name", name, "--repeats", "2", "--only", "police", "--no-sweep"]
        met = _run(*some, *generous)
        assert met.returncode == 0, met.stdout + met.stderr
        assert "OK: all 4 pages" in met.stdout
        reported = _run(*some, "--median-ms", "0.001", "--no-targets")
        assert reported.returncode == 0, reported.stdout + reported.stderr
        assert "REPORT: 4 of 4 pages" in reported.stdout
    finally:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from throwaway import recreate_database

        recreate_database(settings.DATABASES["default"], name, drop_only=True)
