"""Run by tests/demo/test_embedded_demo_pages.py in a process of its own, on the embedded
(SQLite) database `make run` serves: every role's navigation and the records it works on,
requested as the page benchmark does. Prints one line per page that did not answer 200."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import django  # noqa: E402

django.setup()

import pages_benchmark as bench  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
failures, served = [], 0
for spec in bench.role_specs():
    user = bench.user_for(spec)
    if user is None:
        failures.append(f"{spec.label}: no user in the demo")
        continue
    client = Client()
    client.force_login(user)
    for page, url in bench.nav_pages(user) + bench.detail_pages(user):
        status = client.get(url, follow=True).status_code  # a dated page redirects to today
        served += 1
        if status != 200:
            failures.append(f"{spec.label}: {page} {url} answered {status}")
# The beat's sweeps run there too: the deadline sweep marks what the demo has overdue.
import datetime as dt  # noqa: E402

from django.utils import timezone  # noqa: E402

from privacy.services import retention_sweep  # noqa: E402
from thresholds.services import deadline_sweep  # noqa: E402

swept = deadline_sweep(now=timezone.now() + dt.timedelta(days=30))
if not swept.breached:
    failures.append(f"the deadline sweep marked nothing: {swept}")
retention_sweep()
print("\n".join(failures) if failures else f"OK: {served} pages; {swept.breached} clocks breached")
