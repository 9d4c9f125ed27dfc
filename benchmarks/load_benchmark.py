"""A bounded load test on loopback: Locust headless against gunicorn + PostgreSQL + Redis + a worker.

    DJANGO_SETTINGS_MODULE=contact_service.settings.test \\
        .venv/bin/python benchmarks/load_benchmark.py --users 50 --spawn-rate 10 --run-time 3m

Creates a throwaway database (migrate + `seed_demo`), or with `--existing DB` uses a database
built by `manage.py generate_council` (its `scale-<role>-<n>` users, `--password`); starts
gunicorn and a Celery worker with beat on Redis, waits for /healthz, runs
`benchmarks/load/locustfile.py` headless, prints p50/p95/p99 and failures per endpoint group,
stops everything it started (also on Ctrl-C or failure) and drops the throwaway database.
Exits 1 if any request failed or the overall p95 is over `--target-p95` (unless
`--report-only`). See benchmarks/README.md "Load".
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "benchmarks" / "load" / "locustfile.py"
BIN = Path(sys.executable).parent

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings.test")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--run-time", default="3m", help="Locust's --run-time (e.g. 30s, 3m)")
    p.add_argument("--db-name", default="load_bench", help="throwaway database (dropped after)")
    p.add_argument(
        "--existing",
        metavar="DB",
        help="use this database (built by generate_council) as it is: no migrate, no seed, no drop",
    )
    p.add_argument(
        "--password",
        default="demo-contact-2026",
        help="the users' password (seed_demo's by default; generate_council's --password)",
    )
    p.add_argument(
        "--scale-staff",
        type=int,
        default=1,
        help="with --existing: spread each role over scale-<role>-1..N (default 1)",
    )
    p.add_argument(
        "--usernames",
        choices=["demo", "scale"],
        help="whose logins to use: seed_demo's (default) or generate_council's (default with "
        "--existing)",
    )
    p.add_argument("--with-year", action="store_true", help="seed_demo with its back-dated year")
    p.add_argument(
        "--wait",
        default="2,6",
        help="each user's think time between tasks, 'min,max' seconds (default 2,6)",
    )
    p.add_argument(
        "--work-from-start",
        action="store_true",
        help="each user works as soon as it has signed in (by default the users start working "
        "once all of them have signed in, so the work is timed in the steady state)",
    )
    p.add_argument(
        "--no-catch-up",
        action="store_true",
        help="do not run beat's periodic tasks once before the clock starts",
    )
    p.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--broker", default="redis://127.0.0.1:6379/14", help="Celery broker (Redis)")
    p.add_argument("--target-p95", type=float, default=300.0, help="overall p95 target, ms")
    p.add_argument("--report-only", action="store_true", help="print the table; always exit 0")
    p.add_argument("--keep", action="store_true", help="keep the throwaway database")
    p.add_argument("--csv-dir", help="keep Locust's CSV files here (default: a temporary folder)")
    p.add_argument(
        "--health-timeout", type=float, default=120.0, help="seconds to wait for /healthz"
    )
    return p.parse_args(argv)


def database_url(db: dict, name: str) -> str:
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{name}"


class Processes:
    """Everything the run started, each in its own process group, stopped in reverse order."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
        out = log.open("wb")
        # Our own fixed commands (gunicorn, celery) from this venv, never user input.
        proc = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for name, proc in reversed(self.started):
            if proc.poll() is not None:
                continue
            # TERM the whole group: gunicorn's and Celery's own workers go with their parent.
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in 20 s: killing it", file=sys.stderr)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.started.clear()


class CpuMeter:
    """CPU seconds spent during the run by each part on this machine (Linux /proc): the
    processes this run started with their children, PostgreSQL's server processes (every
    database's: run it on a quiet machine), Locust, and how busy the cores were in all. On a
    two-core machine everything shares the cores, so this says whether requests queued for one."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.available = Path("/proc/stat").exists()
        self.before: dict[str, float] = {}

    @staticmethod
    def _stats() -> dict[int, tuple[int, str, float]]:
        """pid -> (parent pid, command, CPU seconds) of every process now."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            command = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            # fields[1] is the parent; utime, stime, cutime, cstime are fields[11:15]
            ticks = sum(int(x) for x in fields[11:15])
            found[int(entry.name)] = (int(fields[1]), command, ticks / CpuMeter.TICK)
        return found

    @staticmethod
    def _machine() -> tuple[float, float]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]
        return (sum(values) - idle) / CpuMeter.TICK, sum(values) / CpuMeter.TICK

    def read(self) -> dict[str, float]:
        stats = self._stats()
        children: dict[int, list[int]] = {}
        for pid, (parent, _, _) in stats.items():
            children.setdefault(parent, []).append(pid)

        def tree(pid: int) -> float:
            todo, total = [pid], 0.0
            while todo:
                current = todo.pop()
                total += stats.get(current, (0, "", 0.0))[2]
                todo.extend(children.get(current, []))
            return total

        parts = {name: tree(proc.pid) for name, proc in self.processes.started}
        parts["PostgreSQL"] = sum(
            c for _, (_, command, c) in stats.items() if command == "postgres"
        )
        parts["locust"] = sum(
            c for pid, (_, command, c) in stats.items() if command.startswith("locust")
        )
        parts["busy"], parts["all"] = self._machine()
        return parts

    def start(self) -> None:
        if self.available:
            self.before = self.read()

    def report(self, locust_cpu: float) -> str:
        if not self.available or not self.before:
            return ""
        after = self.read()
        used = {k: after[k] - self.before.get(k, 0.0) for k in after}
        used["locust"] = locust_cpu
        shown = ", ".join(
            f"{name} {used[name]:.0f}" for name in used if name not in {"busy", "all"}
        )
        busy = 100 * used["busy"] / used["all"] if used["all"] else 0.0
        return f"CPU seconds during the run: {shown}; the machine's cores {busy:.0f} % busy"


def manage(env: dict, log: Path, *args: str) -> None:
    with log.open("ab") as out:
        subprocess.run(  # noqa: S603 (this venv's python, manage.py and fixed arguments)
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


# Every periodic task once, to the end, before the clock starts: a live database is one that
# beat has kept up with, so the first sweep of a freshly generated council (a retention sweep
# over 25 years of records, 3.5 minutes; a week of unusual-access checks) is catching up, not
# the load of a working day, and would otherwise run on the same cores as the timed requests.
CATCH_UP = """
import time
from django.conf import settings
from contact_service.celery import app
app.loader.import_default_modules()
for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
    started = time.perf_counter()
    app.tasks[entry["task"]].apply(throw=True)
    print(f"{name} {time.perf_counter() - started:.1f}")
"""


def catch_up(env: dict, log: Path) -> list[tuple[str, float]]:
    """Run every beat task once; (name, seconds) of each."""
    result = subprocess.run(  # noqa: S603 (this venv's python, manage.py and fixed code)
        [str(BIN / "python"), "manage.py", "shell", "-c", CATCH_UP],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        check=True,
        capture_output=True,
        text=True,
    )
    log.write_text(result.stdout + result.stderr)
    times = []
    for line in result.stdout.splitlines():
        name, _, seconds = line.rpartition(" ")
        with contextlib.suppress(ValueError):
            times.append((name, float(seconds)))
    return times


def wait_for_health(base: str, timeout: float, processes: Processes) -> str:
    """Wait until /healthz answers 200; return its status (`ok`, or `degraded` while beat starts)."""
    import json

    deadline = time.monotonic() + timeout
    status = "no answer"
    while time.monotonic() < deadline:
        for name, proc in processes.started:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}) before /healthz answered")
        try:
            # http://127.0.0.1:<port> built above: the loopback server this run started.
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                status = json.load(response).get("status", "?")
                # Beat's first heartbeat comes a few seconds after the worker starts.
                if status == "ok":
                    return status
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1)
    if status in {"ok", "degraded"}:
        return status
    raise RuntimeError(f"/healthz did not answer within {timeout:.0f} s ({status})")


# Locust's stats CSV: one row per request name (the locustfile names them by endpoint group).
def read_stats(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _ms(row: dict, key: str) -> str:
    value = row.get(key, "N/A")
    return value if value in {"", "N/A"} else f"{float(value):.0f}"


def format_table(rows: list[dict]) -> str:
    lines = [
        f"{'endpoint group':<42} {'requests':>8} {'failed':>6} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
    ]
    body = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    total = [r for r in rows if r["Name"] == "Aggregated"]
    for row in [*body, *total]:
        name = "all" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(
            f"{name[:42]:<42} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{_ms(row, '50%'):>6} {_ms(row, '95%'):>6} {_ms(row, '99%'):>6} "
            f"{_ms(row, 'Max Response Time'):>6}"
        )
    return "\n".join(lines)


SIGN_IN = "sign in"


def work_summary(entries: list[dict]) -> dict:
    """Requests, failures and p50/p95/p99 over every request but signing in, from Locust's JSON
    (each entry's response-time histogram). Signing in is once a day per user and a deliberately
    slow password hash: it is reported on its own row, not in the target."""
    buckets: dict[int, int] = {}
    requests = failures = 0
    for entry in entries:
        # RACE rows count a refusal because another user got there first, not a request.
        if entry["name"].startswith(SIGN_IN) or entry["method"] == "RACE":
            continue
        requests += entry["num_requests"]
        failures += entry["num_failures"]
        for ms, count in entry["response_times"].items():
            buckets[int(float(ms))] = buckets.get(int(float(ms)), 0) + count
    ordered = sorted(buckets.items())
    total = sum(buckets.values())

    def percentile(q: float) -> float:
        seen = 0
        for ms, count in ordered:
            seen += count
            if seen >= q * total:
                return float(ms)
        return float("nan")

    return {
        "requests": requests,
        "failures": failures,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
    }


def verdict(work: dict, all_failures: int, target_p95: float) -> tuple[bool, str]:
    if work["requests"] == 0:
        return False, f"FAIL: no requests after signing in; {all_failures} failed in all"
    summary = (
        f"{work['requests']} requests after signing in, p50 {work['p50']:.0f} ms, "
        f"p95 {work['p95']:.0f} ms, p99 {work['p99']:.0f} ms; {all_failures} failed in all"
    )
    problems = []
    if all_failures:
        problems.append(f"{all_failures} requests failed")
    if work["p95"] > target_p95:
        problems.append(
            f"p95 {work['p95']:.0f} ms is over the {target_p95:.0f} ms target "
            f"by {work['p95'] - target_p95:.0f} ms"
        )
    if problems:
        return False, f"FAIL: {summary}: " + "; ".join(problems)
    return True, f"OK: {summary} (target p95 ≤ {target_p95:.0f} ms, 0 errors)"


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from throwaway import machine, recreate_database

    db = dict(settings.DATABASES["default"])
    if "postgresql" not in db["ENGINE"]:
        sys.exit("The load benchmark needs PostgreSQL: use the test settings or DATABASE_URL.")
    name = args.existing or args.db_name
    if not args.existing and not name.startswith("load_bench"):
        sys.exit("The throwaway database is dropped afterwards: its name must start load_bench.")
    print(
        f"{machine()}; load average {os.getloadavg()[0]:.1f}; "
        f"{args.users} users, spawn {args.spawn_rate}/s, {args.run_time}, "
        + ("working as each signs in; " if args.work_from_start else "working once all signed in; ")
        + f"gunicorn {args.workers} workers; database {name}"
        + (" (existing)" if args.existing else " (seed_demo)")
    )
    work = Path(tempfile.mkdtemp(prefix="load_bench_"))
    csv_dir = Path(args.csv_dir) if args.csv_dir else work
    csv_dir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        # local settings with DEBUG off: production's Secure cookies are not sent over the
        # plain-HTTP loopback, and production refuses a console/file email backend.
        "DJANGO_SETTINGS_MODULE": "contact_service.settings.local",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": database_url(db, name),
        "CONN_MAX_AGE": "60",  # as production keeps its connections
        "CELERY_BROKER_URL": args.broker,
        "TWO_FACTOR_REQUIRED": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes()
    created = False
    finished = False  # a clean run leaves no logs behind

    def on_term(signum, frame):  # a TERM from outside cleans up like Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        if not args.existing:
            recreate_database(db, name)
            created = True
            started = time.perf_counter()
            manage(env, work / "setup.log", "migrate", "-v0")
            seed = ["seed_demo", "--force"] + ([] if args.with_year else ["--without-year"])
            manage(env, work / "setup.log", *seed)
            print(f"migrated and seeded in {time.perf_counter() - started:.0f} s")
        if not args.no_catch_up:
            started = time.perf_counter()
            done = catch_up(env, work / "catch-up.log")
            slowest = ", ".join(f"{n} {t:.1f} s" for n, t in sorted(done, key=lambda x: -x[1])[:3])
            print(
                f"beat's {len(done)} periodic tasks run once first in "
                f"{time.perf_counter() - started:.0f} s (slowest: {slowest})"
            )
        processes.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "contact_service.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "60",
            ],
            env,
            work / "gunicorn.log",
        )
        processes.start(
            "celery worker",
            [
                str(BIN / "celery"),
                "-A",
                "contact_service",
                "worker",
                "-B",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"load-bench-{os.getpid()}@%h",
                "--schedule",
                str(work / "celerybeat-schedule"),
            ],
            env,
            work / "celery.log",
        )
        health = wait_for_health(base, args.health_timeout, processes)
        print(f"/healthz: {health}")
        locust_env = {
            **env,
            "LOAD_PASSWORD": args.password,
            "LOAD_USERNAMES": args.usernames or ("scale" if args.existing else "demo"),
            "LOAD_SCALE_STAFF": str(args.scale_staff),
            "LOAD_WAIT": args.wait,
            "LOAD_USERS": "0" if args.work_from_start else str(args.users),
        }
        prefix = csv_dir / "load"
        meter = CpuMeter(processes)
        meter.start()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        locust = subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--host",
                base,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--json-file",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=subprocess.DEVNULL,
            stderr=(work / "locust.log").open("wb"),
        )
        print(f"locust ran {time.perf_counter() - started:.0f} s (exit {locust.returncode})")
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = (children_after.ru_utime - children_before.ru_utime) + (
            children_after.ru_stime - children_before.ru_stime
        )
        cpu = meter.report(locust_cpu)
        rows = read_stats(Path(f"{prefix}_stats.csv"))
        print("\nmilliseconds (Locust's client-side times, loopback):")
        print(format_table(rows))
        failures = Path(f"{prefix}_failures.csv")
        failed = read_stats(failures) if failures.exists() else []
        for row in failed[:20]:
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}")
        import json

        summary = work_summary(json.loads(Path(f"{prefix}.json").read_text()))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        print(
            f"{'work (all but signing in)':<42} {summary['requests']:>8} "
            f"{summary['failures']:>6} {summary['p50']:>6.0f} {summary['p95']:>6.0f} "
            f"{summary['p99']:>6.0f}"
        )
        ok, message = verdict(summary, int(total["Failure Count"]), args.target_p95)
        if cpu:
            print(cpu)
        print(message)
        if args.csv_dir:
            print(f"Locust CSV files: {csv_dir}")
        finished = ok
        return 0 if ok or args.report_only else 1
    except KeyboardInterrupt:
        print("interrupted: stopping everything this run started", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        return 1
    finally:
        processes.stop_all()
        if created and not args.keep:
            recreate_database(db, name, drop_only=True)
        if finished:  # --csv-dir, if given, is elsewhere and kept
            shutil.rmtree(work, ignore_errors=True)
        elif not finished:
            print(f"server, worker and Locust logs in {work}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
