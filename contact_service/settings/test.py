"""The test suite: a real PostgreSQL and a real Redis (see `make test`)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, oltp

# `make test` runs the suite on every core (pytest-xdist): each worker process, gw0, gw1, ...,
# has its own test database (pytest-django adds the suffix), Redis database and files.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_worker_number = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0


def _redis_for_worker(url: str) -> str:
    """`url` with its database number counted down by the worker's: gw0 keeps the number,
    gw1 takes the one below, and so on round Redis's 16 (a real worker and beat on one
    worker's broker must never take another's tasks)."""
    base, _, number = url.rpartition("/")
    if not _worker_number or not number.isdigit() or not base.startswith("redis://"):
        return url
    return f"{base}/{(int(number) - _worker_number) % 16}"


DATABASES = {
    "default": env.db(
        "TEST_DATABASE_URL",
        default="postgres://contact_service:contact_service@127.0.0.1:5432/contact_service",
    )
}
oltp(DATABASES["default"])
# Several suites may share one server (parallel CI jobs, developers): name the test database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_contact_service")}
CELERY_BROKER_URL = _redis_for_worker(
    env("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
)
MEDIA_ROOT = str(VAR_DIR / "test-media" / (XDIST_WORKER or "main"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / f"celerybeat-schedule-test-{XDIST_WORKER or 'main'}")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Unit tests run tasks in-process; tests/accounts/test_celery_worker.py runs a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# MD5 hashes quickly for the tests' users; PBKDF2 (the service's own) is accepted too, so a
# generated council's staff (demo/scale/staff.py portable_hash) sign in under either settings.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
DEBUG = False

# The beat test runs the real schedule; sweep every second so it sees several sweeps quickly.
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0} if name == "deadline-sweep" else entry
    for name, entry in CELERY_BEAT_SCHEDULE.items()  # noqa: F405
}

# Many tests travel hours ahead with one signed-in client (clocks, break glass, exports): the
# idle timeout would sign them out. tests/accounts/test_sessions.py and the browser tests of
# the timeout set the real values; the cookie's age (SESSION_ABSOLUTE_HOURS) still applies.
SESSION_IDLE_MINUTES = 10 * 60
