"""Running a benchmark script at a tiny size, in a database of its own beside the test one."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(script: str, *args: str, db_suffix: str, timeout: int = 600):
    """Run benchmarks/`script` with `args` and the test settings; the finished process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_{db_suffix}"
    return subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args, "--db-name", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
