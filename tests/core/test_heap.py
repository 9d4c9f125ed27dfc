"""A web worker leaves its start-up objects out of later garbage collections (core.heap):
Python's full collection walked them all: its longest pause over every staff page on the
full-size council 65 ms, against 19 ms once they were frozen."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, sys
import contact_service.wsgi  # what gunicorn loads
print(gc.get_freeze_count(), len(gc.get_objects()), "referrals.views" in sys.modules)
"""


def test_the_wsgi_application_freezes_what_it_has_loaded_with_every_view():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contact_service.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, tracked = int(out[0]), int(out[1])

    # Django and every app's views and URL patterns: well over a hundred thousand objects,
    # and almost nothing left for a full collection to walk.
    assert frozen > 100_000
    assert tracked < frozen / 10
    assert out[2] == "True"
