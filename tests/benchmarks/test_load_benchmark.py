"""The load benchmark's Locust users (benchmarks/load/locustfile.py) and its report.

A real run (migrate, seed_demo, gunicorn, a worker, Locust) takes minutes on this machine, too
long for the suite: these tests check instead that every page each role's user class visits is
a named URL that role may open, that the form filler sends what a user would, and that the
report fails a run with errors or a slow p95. README benchmarks "Load" runs the real thing.
"""

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = ROOT / "benchmarks" / "load" / "locustfile.py"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Importing Locust patches threads with gevent, which Django's test database cannot share: the
# locustfile is read as source here (and imported in a subprocess below).
htmlforms = _load("load_htmlforms", ROOT / "benchmarks" / "load" / "htmlforms.py")
sys.path.insert(0, str(ROOT / "benchmarks"))
load_benchmark = _load("load_benchmark", ROOT / "benchmarks" / "load_benchmark.py")
TREE = ast.parse(LOCUSTFILE.read_text())
USER_CLASSES = {
    node.name: node
    for node in TREE.body
    if isinstance(node, ast.ClassDef) and any(b.id == "StaffUser" for b in node.bases)
}

PERSONAS = {
    "screening_officer": "screening_officer",
    "senior_practitioner": "senior_practitioner",
    "mash_social_worker": "mash_social_worker",
    "mash_manager": "mash_manager",
    "partner_agency_user": "partner_user",
    "early_help_duty_manager": "early_help_manager",
    "team_manager": "team_manager",
    "service_manager": "service_manager",
}


def _role(node: ast.ClassDef) -> str:
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and stmt.targets[0].id == "role":
            return stmt.value.value
    raise AssertionError(f"{node.name} has no role")


def _literal_paths(node: ast.ClassDef) -> set[str]:
    """The fixed pages a user class reads: `self.read("/path/", ...)`."""
    return {
        n.args[0].value
        for n in ast.walk(node)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "read"
        and n.args
        and isinstance(n.args[0], ast.Constant)
    }


def _with_locustfile(code: str, **env: str) -> str:
    """Run `code` with the locustfile imported as `f`, as Locust imports it, in a process of its
    own; what it prints."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, sys.argv[1]); import locustfile as f\n{code}",
            str(LOCUSTFILE.parent),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout


def test_the_locustfile_has_one_user_class_per_role_each_with_tasks():
    """Imported as Locust imports it, in a process of its own."""
    out = _with_locustfile("print(*(f'{c.role}:{len(c.tasks)}' for c in f.USER_CLASSES))").split()
    tasks = dict(item.split(":") for item in out)
    assert set(tasks) == set(PERSONAS) == {_role(n) for n in USER_CLASSES.values()}
    assert set(tasks) <= set(Role.values)
    assert all(int(n) > 0 for n in tasks.values()), tasks


@pytest.mark.parametrize(("users", "started"), [("3", "False False True"), ("0", "True True True")])
def test_users_start_working_only_once_every_sign_in_has_ended(users, started):
    """The work is timed in the steady state: a user signed in waits for the others' sign-ins
    (each one a deliberate half second of password hashing), failed ones included."""
    out = _with_locustfile(
        "ended = []\n"
        "for _ in range(3):\n"
        "    f._sign_in_ended(); ended.append(f._everyone_signed_in.is_set())\n"
        "print(*ended)",
        LOAD_USERS=users,
    )
    assert out.strip() == started


@pytest.mark.parametrize(
    ("pattern", "html"),
    [
        ("CONTACT", 'href="/contacts/7/"'),
        ("ENQUIRY", 'href="/mash/enquiries/7/"'),
        ("PARTNER_REQUEST", 'href="/partner/requests/7/"'),
        ("WORKER_TRAY", 'href="/team/workers/7/"'),
        ("EH_CASE", 'href="/early-help/cases/7/"'),
        ("PERSON", '<a class="govuk-link" href="/people/7/">Ann Lee</a>'),
    ],
)
def test_links_picked_from_pages_are_named_urls(pattern, html):
    source = next(
        n.value.args[0].value
        for n in TREE.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == pattern
    )
    match = re.search(source, html)
    assert match, (pattern, html)
    assert resolve(match.group(1)).url_name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(USER_CLASSES))
def test_every_page_a_role_reads_is_a_named_url_it_may_open(name, client, request):
    node = USER_CLASSES[name]
    client.force_login(request.getfixturevalue(PERSONAS[_role(node)]))
    paths = _literal_paths(node)
    assert paths, f"{name} reads no page"
    for path in sorted(paths):
        try:
            assert resolve(path).url_name, path
        except Resolver404:
            pytest.fail(f"{name} reads {path}, which is no URL")
        # As Locust does, follow a redirect ("/" sends each role to its own start page).
        response = client.get(path, follow=True)
        assert response.status_code == 200, (name, path, response.status_code)
        assert "/accounts/login/" not in response.request["PATH_INFO"], (name, path)


def test_the_form_filler_answers_every_question_as_a_user_would():
    html = """
    <form method="post" action="/x/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="text" name="received_time" value="09:30">
      <input type="radio" name="source" value="phone"><input type="radio" name="source" value="ecaf">
      <input type="radio" name="rag" value="red"><input type="radio" name="rag" value="amber" checked>
      <input type="checkbox" name="urgent" value="on">
      <select name="team"><option value="">Choose</option><option value="4">A</option></select>
      <textarea name="concerns"></textarea>
      <button name="action" value="save">Save</button><button name="action" value="submit">Go</button>
    </form>"""
    (form,) = htmlforms.forms_on(html)
    data = dict(htmlforms.fill(form, {"action": "submit"}))
    assert data == {
        "csrfmiddlewaretoken": "tok",
        "received_time": "09:30",
        "rag": "amber",
        "team": "4",
        "concerns": htmlforms.FILLER,
        "source": "phone",
        "action": "submit",
    }


def _entry(name, count, failed, times):
    return {
        "name": name,
        "method": "GET",
        "num_requests": count,
        "num_failures": failed,
        "response_times": {str(ms): n for ms, n in times.items()},
    }


def test_the_report_leaves_signing_in_out_of_the_work_percentiles():
    entries = [
        _entry("MASH queue", 100, 0, {40: 90, 120: 9, 900: 1}),
        _entry("sign in", 10, 0, {5000: 10}),
    ]
    work = load_benchmark.work_summary(entries)
    assert work == {"requests": 100, "failures": 0, "p50": 40.0, "p95": 120.0, "p99": 120.0}
    ok, message = load_benchmark.verdict(work, 0, 300)
    assert ok, message


def test_the_table_prints_each_endpoint_group_and_the_total():
    row = {
        "Type": "GET",
        "Name": "MASH queue",
        "Request Count": "90",
        "Failure Count": "0",
        "50%": "40",
        "95%": "120",
        "99%": "200",
        "Max Response Time": "900.5",
    }
    table = load_benchmark.format_table([row, {**row, "Type": "", "Name": "Aggregated"}])
    assert "GET MASH queue" in table and table.splitlines()[-1].startswith("all")


@pytest.mark.parametrize(
    ("failed", "p95", "why"), [(1, 120, "1 requests failed"), (0, 310, "over the 300 ms target")]
)
def test_the_report_fails_a_run_with_errors_or_a_slow_p95(failed, p95, why):
    work = load_benchmark.work_summary([_entry("MASH queue", 100, failed, {p95: 100})])
    ok, message = load_benchmark.verdict(work, failed, 300)
    assert not ok and why in message


def test_the_report_fails_a_run_where_nobody_got_past_signing_in():
    work = load_benchmark.work_summary([_entry("sign in", 2, 2, {900: 2})])
    ok, message = load_benchmark.verdict(work, 2, 300)
    assert not ok and "no requests after signing in; 2 failed" in message
