"""Production settings, loaded in a fresh Python process with the environment a test gives."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Enough for the production settings to load; each test overrides what it is about.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "contact_service.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-for-this-test-only-Zq8#vR2!",
    "DATABASE_URL": "sqlite:////tmp/unused.db",
    "ALLOWED_HOSTS": "localhost",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _base_environ() -> dict[str, str]:
    # Nothing of this test run's own settings (the test database, its email backend) leaks in.
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "EMAIL_", "TEST_", "SECURE_", "HEALTHZ_"))
    }


def run_python(
    args: list[str], env: dict[str, str | None], *, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run Python with `args` in the repository, in this environment (None removes a variable)."""
    full = _base_environ()
    for name, value in env.items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def load_production_settings(names: list[str], **overrides: str | None):
    """Print the named settings as production loads them with PRODUCTION_ENV and overrides."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr([getattr(settings, n) for n in {names!r}]))"
    )
    return run_python(["-c", code], {**PRODUCTION_ENV, **overrides})


def compose_environment(**given: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the app containers (x-app), with its defaults.

    `given` stands for the operator's shell or .env (the compose file requires SECRET_KEY).
    Reads the plain `NAME: value` lines of the x-app block; `${VAR:-default}` and
    `${VAR:?message}` are resolved as compose resolves them.
    """
    text = (ROOT / "docker-compose.yml").read_text()
    block = text.split("x-app: &app", 1)[1].split("\n  environment:\n", 1)[1]
    env = {}
    for line in block.splitlines():
        if not line.startswith("    "):
            break
        match = re.fullmatch(r"    ([A-Z_0-9]+): (.*)", line)
        if match:
            env[match[1]] = _interpolate(match[2], given)
    return env


def _interpolate(value: str, given: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        name, op, default = match[1], match[2], match[3]
        if name in given:
            return given[name]
        if op == ":?":
            raise KeyError(f"docker compose requires {name}: {default}")
        return default

    return re.sub(r"\$\{([A-Z_0-9]+)(:-|:\?)([^}]*)\}", one, value)
