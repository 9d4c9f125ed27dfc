"""`make run` serves the demo from the embedded database (SQLite) with no server: every role's
pages answer there and the beat's sweeps run there, not only on the PostgreSQL the rest of the
suite uses (a PostgreSQL-only statement once broke the MASH queue, the work tray and the
deadline sweep there unnoticed)."""

from tests.settings_helpers import run_python


def test_every_roles_pages_answer_and_the_sweeps_run_on_the_embedded_database(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "contact_service.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
    }
    for step in (["manage.py", "migrate", "-v0"], ["manage.py", "seed_demo", "--without-year"]):
        done = run_python(step, env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    done = run_python(["tests/demo/embedded_pages.py"], env, timeout=600)

    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith("OK:"), done.stdout[-3000:]
