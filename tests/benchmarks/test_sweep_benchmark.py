"""The sweep benchmark still runs (at a tiny size), so it cannot rot between the runs that matter."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_benchmark_runs_and_checks_what_the_sweep_wrote():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    name = f"sweep_bench_{settings.DATABASES['default']['TEST']['NAME']}"

    done = subprocess.run(
        [sys.executable, "benchmarks/sweep_benchmark.py", "--open", "500", "--repeats", "1"]
        # A tiny run on a shared test machine: only the counts must hold.
        + ["--budget", "600", "--idle-budget", "60", "--db-name", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "due: 100 breached and 100 due soon" in done.stdout
    assert "catch-up sweep: 100 breached, 100 due soon, 0 skipped" in done.stdout
    assert "OK: 200 clocks marked" in done.stdout
    assert "sweeps with nothing due, once the clocks are vacuumed" in done.stdout
