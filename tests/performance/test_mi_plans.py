"""A year's management information reads the year: on a generated council of a modest size (25
years of contacts, as a large council keeps), no query of the MI figures reads contacts, the children on them, clocks,
referrals, early help decisions or their history sequentially, and none reaches past the
period by the road that made a full-size council's page take seconds: every earlier contact
of each child (the repeat figure) or every clock started since the period began (timeliness).

The data comes from benchmarks/mi_benchmark.py (INSERT ... SELECT over generate_series, as the
benchmark runs at 500,000 contacts), spread over 25 years, then ANALYZE, so the planner sees
a year as a 25th of the tables. (Over ten years, reading every child's links in person order
looked cheaper to the planner than sorting two years of them; at a council's 25 it is not.) The figures' queries are captured as sections_for runs them
and EXPLAINed under the settings it runs them with.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.figures import _reporting_settings, sections_for
from reporting.tables import named_periods
from thresholds.models import CouncilProfile

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
GUARDED = (
    "referrals_contact",
    "referrals_contactperson",
    "thresholds_deadline",
    "referrals_referral",
    "early_help_earlyhelpdecision",
    "referrals_historicalcontact",
    "referrals_historicalcontactperson",
    "thresholds_historicaldeadline",
)
CONTACTS = 40_000
YEARS = 25


def _benchmark():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("mi_benchmark", BENCHMARKS / "mi_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plans(django_db_setup, django_db_blocker):
    """The plans of every query of a year's figures, on a council loaded once for the module
    (and removed after it)."""
    bench = _benchmark()
    bench.MINUTES_APART = YEARS * 365 * 24 * 60 / CONTACTS
    with django_db_blocker.unblock(), transaction.atomic():
        bench.load(argparse.Namespace(contacts=CONTACTS), bench.make_people())
        period = named_periods(timezone.localdate())["last_year"]
        with CaptureQueriesContext(connection) as captured:
            sections = sections_for(period, CouncilProfile.objects.get(code="camden"))
        found = []
        with _reporting_settings(), connection.cursor() as cursor:
            for query in captured.captured_queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN " + query["sql"])
                found.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
        yield sections, found
        transaction.set_rollback(True)


def _figure(sections, key: str):
    return next(t for s in sections for t in s.tables if t.key == key)


@pytest.mark.django_db
def test_a_years_figures_read_no_big_table_sequentially(plans):
    sections, found = plans
    scanned = {
        sql[:100]: tables
        for sql, plan in found
        if (tables := [t for t in GUARDED if f"Seq Scan on {t} " in plan + " "])
    }

    assert scanned == {}
    assert len(found) > 15
    # The council was made: the year has contacts, repeats and clocks to count.
    assert _figure(sections, "repeats").rows[1]["count"] > 0
    assert sum(row["started"] for row in _figure(sections, "timeliness_by_kind").rows) > 0


@pytest.mark.django_db
def test_repeat_contacts_are_found_in_one_pass_not_by_probing_each_childs_contacts(plans):
    _sections, found = plans
    repeats = [plan for sql, plan in found if "GROUPS BETWEEN" in sql]

    assert len(repeats) == 1
    assert "WindowAgg" in repeats[0]
    # The children are read by the received time their links carry, never through (person,
    # role): that probe reads every contact a child ever had, every year back.
    assert "contact_person_role" not in "\n".join(plan for _sql, plan in found)
    assert "contact_person_child_received" in repeats[0]


@pytest.mark.django_db
def test_the_children_on_two_years_of_contacts_are_not_joined_to_the_contacts_for_their_dates(
    plans,
):
    _sections, found = plans
    (repeats,) = [plan for sql, plan in found if "GROUPS BETWEEN" in sql]

    # The window and the count read the links alone: the links of the period are those of the
    # period's submitted contacts, so the contacts are not read at all.
    assert " on referrals_contact " not in repeats
    assert repeats.count(" on referrals_contactperson ") == 1


@pytest.mark.django_db
def test_clocks_are_read_by_the_period_contacts_ids_not_by_start(plans):
    _sections, found = plans
    clocks = [plan for _sql, plan in found if "thresholds_deadline" in plan]

    assert len(clocks) == 2  # timeliness by kind, team and worker; partner checks
    for plan in clocks:
        assert "deadline_contact_kind" in plan
        assert "deadline_started" not in plan
        # By the span of the period's contact ids alone: its strangers are left out by id, so
        # the year's clocks are not hashed against the year's contacts.
        assert " on referrals_contact " not in plan
