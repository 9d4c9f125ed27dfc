"""The embedded default's broker (kombu's filesystem transport, `make run`) is read often enough
that a backlog does not hold beat's tasks back for long: the worker takes one message a poll."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
from django.conf import settings
print(settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"])
"""


def test_the_embedded_broker_is_polled_ten_times_a_second():
    env = {
        **{k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"},
        "DJANGO_SETTINGS_MODULE": "contact_service.settings.local",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert out[0] == "filesystem://"
    assert float(out[1]) <= 0.1
