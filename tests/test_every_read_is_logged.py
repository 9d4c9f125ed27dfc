"""Every URL that shows a child's name writes who read it (ADR 0009).

Walks every URL pattern of the service. Each is either fetched, with every persona the access
tables say may open it, or named below as showing no case record. A 200 response that shows a
seeded person's name must add an access-log row for that person, written in a constant number
of queries.
"""

import html
from collections import defaultdict

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import AccessLog
from referrals.models import Person
from tests.access_helpers import with_fixtures
from tests.early_help import test_access as early_help_table
from tests.mash import test_mash_records_access as mash_records_table
from tests.privacy import test_privacy_access as privacy_table
from tests.privacy import test_retention_access as retention_table
from tests.referrals import test_access as referrals_table
from tests.referrals import test_merge_and_duplicates_access as merge_table
from tests.referrals import test_merlin_access as merlin_table
from tests.referrals import test_person_warnings_access as warnings_table
from tests.reporting import test_mi_access as mi_table
from tests.returns import test_returns_access as returns_table

# URLs that show no record of a child, and why. Anything else must be fetched below.
NO_CASE_DATA = {
    "login": "signing in",
    "logout": "signing out",
    "healthz": "health of the database and broker",
    "csp_report": "browsers report blocked content (POST); logged, never shown",
    "break_glass": "the administrator's own break-glass sessions",
    "break_glass_end": "ends a break glass (POST, redirects)",
    "notification_read": "marks a notice read (POST, redirects); notices never name a child",
    # Sign-in security (tests/accounts/test_security_access.py): the user's own account only.
    "two_factor_verify": "the two-factor code step",
    "two_factor_enrol": "setting up an authenticator app",
    "two_factor_backup_codes": "the user's own backup codes",
    "two_factor_backup_codes_regenerate": "makes new backup codes (POST, redirects)",
    "account_security": "the user's own sign-in security",
    "password_change": "changing one's own password",
    "password_reset": "asking for a reset link",
    "password_reset_done": "check your email",
    "password_reset_confirm": "choosing a new password",
    "password_reset_complete": "password reset",
    "two_factor_users": "staff names and whether they use two-factor: no child",
    "two_factor_reset": "resetting a colleague's two-factor sign-in",
    # Sessions and lockouts (tests/accounts/test_sessions_access.py): users, never children.
    "session_status": "how long the user's own session has left (JSON)",
    "session_keep_alive": "extends the user's own session (POST, JSON)",
    "session_list": "the user's own signed-in sessions",
    "session_end": "ends one of the user's own sessions (POST, redirects)",
    "sessions_end_others": "ends the user's other sessions (POST, redirects)",
    "lockout_list": "locked usernames and addresses",
    "lockout_unlock_account": "unlocking a username",
    "lockout_unlock_address": "unlocking an address",
    # Period reports show counts, never a child (tests/reporting/test_reporting_access.py).
    "reporting:report_list": "the list of period reports",
    "reporting:report_start": "choosing a period",
    "reporting:report": "figures (counts) and the service manager's written sections",
    "reporting:report_write": "the service manager's written sections",
    "reporting:report_sign_off": "signing off a report",
    "reporting:report_pdf": "the report as PDF: counts only",
    "reporting:export_list": "the user's own exports: figure names and periods",
    "reporting:export_start": "asks for an export (POST, redirects)",
    "reporting:export": "an export's progress",
    # A file, not a page; a table that names people is logged when downloaded
    # (tests/reporting/test_exports.py).
    "reporting:export_download": "an export file; personal ones logged on download",
    # Files, not pages: taking one is logged as a read of the record
    # (tests/privacy/test_disclosure.py, tests/referrals/test_access_log_filters.py).
    "privacy:disclosure_download": "a subject access ZIP; logged as a read of the person",
    "referrals:person_access_log_export": "the access log as CSV; logged as a read of the person",
    "referrals:contact_access_log_export": "the access log as CSV; logged as a read of the contact",
}
# The Django admin's pages are generated per model: reads there are tested in
# tests/accounts/test_administrator_reads_no_cases.py (change and history pages log).
EXEMPT_NAMESPACES = {"admin"}
# The seeded people whose names the pages show: every one must be named on some page.
MUST_SHOW_A_NAME = {
    "referrals:queue_new",
    "referrals:queue_awaiting_rating",
    "referrals:contact_detail",
    "mash:queue",
    "mash:enquiry",
    "mash:discussion",
    "early_help:queue",
    "early_help:cases",
    "early_help:panel",
    "returns:census_run",
    "privacy:hold_place",
    "referrals:person_chronology",
    "referrals:person_warning",
}


def _names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _people() -> dict[str, set[Person]]:
    """Each spelling of a seeded person's name a page could show, with the people spelt so: the
    tables make several Smiths with random first names, and two may share a name."""
    owners: dict[str, set[Person]] = defaultdict(set)
    for person in Person.objects.all():
        spelt = {person.full_name, f"{person.first_name} {person.last_name}"}
        for name in spelt | {html.escape(s) for s in spelt}:
            owners[name].add(person)
    return owners


def _fetch(client, user, method: str, url: str, people, problems: list[str]) -> str | None:
    """Fetch `url` as `user`; note a problem if it names someone it did not log (a name two
    people share must have logged one of them)."""
    client.force_login(user)
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    if response.status_code != 200:
        return None
    text = response.content.decode()
    shown = [owners for name, owners in people.items() if name in text]
    if not shown:
        return None
    logged = set(
        AccessLog.objects.filter(pk__gt=last, user=user, content_type__model="person").values_list(
            "object_id", flat=True
        )
    )
    unlogged = sorted(
        {p.case_number for owners in shown if not {p.pk for p in owners} & logged for p in owners}
    )
    if unlogged:
        problems.append(f"{method.upper()} {url} as {user.username} showed {unlogged} unlogged")
    inserts = [
        q for q in queries.captured_queries if 'INSERT INTO "accounts_accesslog"' in q["sql"]
    ]
    if len(inserts) > 1:
        problems.append(f"{url} wrote the access log in {len(inserts)} queries, not one")
    return resolve(url.split("?")[0]).view_name


def _walk(request, client, table, maker, problems: list[str]) -> tuple[set[str], set[str]]:
    """Fetch every row of an access table with each persona allowed a 200; return the view
    names fetched and those that showed a name."""
    records = with_fixtures(request, maker)
    people = _people()
    fetched, named = set(), set()
    for _label, url_of, method, expectation in table.TABLE:
        url = url_of(records)
        fetched.add(resolve(url.split("?")[0]).view_name)
        for persona in table.PERSONAS:
            if persona == "anonymous" or expectation(persona) != 200:
                continue
            user = request.getfixturevalue(persona)
            if (view := _fetch(client, user, method, url, people, problems)) is not None:
                named.add(view)
    return fetched, named


def test_every_page_that_names_a_child_logs_the_read(request, client, settings, camden):
    settings.COUNCIL_PROFILE = "camden"
    problems: list[str] = []
    fetched, named = _walk(request, client, referrals_table, referrals_table.make_records, problems)
    more, more_named = _walk(
        request, client, early_help_table, early_help_table.make_records, problems
    )
    fetched |= more
    named |= more_named
    for table in (warnings_table, merge_table):
        more, more_named = _walk(request, client, table, table.make_records, problems)
        fetched |= more
        named |= more_named
    # The retention table runs last: its records switch the council profile to Islington.
    for table in (mash_records_table, returns_table, mi_table, privacy_table, retention_table):
        more, more_named = _walk(request, client, table, table.make_records, problems)
        fetched |= more
        named |= more_named
    police = request.getfixturevalue("partner_user")
    for _label, name, method in merlin_table.URLS:
        fetched.add(name)
        if (view := _fetch(client, police, method, reverse(name), _people(), problems)) is not None:
            named.add(view)

    every = {
        n for n in _names(get_resolver().url_patterns) if n.split(":")[0] not in EXEMPT_NAMESPACES
    }
    assert sorted(every - fetched - set(NO_CASE_DATA)) == [], "URLs neither fetched nor exempt"
    assert problems == []
    # Not vacuous: the lists and records pages did show the seeded children.
    assert sorted(MUST_SHOW_A_NAME - named) == []
