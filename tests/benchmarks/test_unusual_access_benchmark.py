"""The unusual access benchmark still runs (at a tiny size), so it cannot rot between runs."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_unusual_access_benchmark_runs_and_explains_the_weeks_query():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_unusual_bench"

    done = subprocess.run(
        [sys.executable, "benchmarks/unusual_access_benchmark.py", "--reads", "500"]
        + ["--db-name", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "loaded 50 children and 500 reads" in done.stdout
    assert "Execution Time" in done.stdout and "reads checked" in done.stdout
