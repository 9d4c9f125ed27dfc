"""The grants benchmark still runs (at a tiny size), so it cannot rot between the runs that matter."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_grants_benchmark_runs_and_explains_each_queue():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_grants_bench"

    done = subprocess.run(
        [sys.executable, "benchmarks/grants_benchmark.py", "--contacts", "300", "--repeats", "1"]
        + ["--db-name", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("early help decision queue", "partner inbox", "team queue", "MASH queue"):
        assert f"EXPLAIN (ANALYZE, BUFFERS), the slowest query of: {page}" in done.stdout
    assert "dashboard, early help" in done.stdout and "work tray, worker" in done.stdout
    assert "loaded 300 contacts" in done.stdout
