"""The MI benchmark still runs (at a tiny size), so it cannot rot between the runs that matter."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_mi_benchmark_runs_times_the_year_and_explains_its_slowest_queries():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_mi_bench"

    done = subprocess.run(
        [sys.executable, "benchmarks/mi_benchmark.py", "--contacts", "600", "--repeats", "1"]
        + ["--explain", "2", "--budget", "30", "--db-name", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "loaded 600 people, 600 contacts" in done.stdout
    assert "sections_for (last 12 months, 17 figures" in done.stdout
    assert done.stdout.count("EXPLAIN (ANALYZE, BUFFERS) of query") == 2
    assert "OK: median" in done.stdout
