"""A work tray's clocks answered by a role are read from their own index, not by walking
every open clock in due order.

At a large council most clocks ever started were a screening clock with no one named, so
PostgreSQL expects a role's share of the *open* clocks to be large and walked the open clocks
by due time to find a screening officer's first page (46,000 index entries for 552 at the
full-size council). The role's index carries the clock and its contact
(`deadline_open_role_covering`), so it is read alone and stops at the page. This builds that
skew at a modest size: many closed screening clocks, many open clocks of other roles due
first, a few open screening clocks due last.
"""

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from referrals.selectors import contact_visibility
from tests.factories import PersonFactory, complete_contact
from thresholds.selectors import clocks_for_user

CLOSED_SCREENING = 60_000
OPEN_OTHERS = 8_000
OPEN_SCREENING = 600


def _clocks(contact_id: int, now: dt.datetime) -> None:
    # One open clock per kind, contact and subject: each row its own subject id.
    insert = """INSERT INTO thresholds_deadline (kind, contact_id, subject_id, description,
        responsible_role, rag, started_at, due_at, warn_at, met_at, closed_reason)
        SELECT %s, %s, %s + n, '', %s, '', due - interval '4 hours', due,
            due - interval '1 hour', %s, ''
        FROM (SELECT n, %s::timestamptz + n * interval '1 minute' AS due
              FROM generate_series(1, %s) n) s"""
    with connection.cursor() as cursor:
        for base, (role, start, count, met) in enumerate(
            (
                (Role.SCREENING_OFFICER, now - dt.timedelta(days=3000), CLOSED_SCREENING, now),
                (Role.EARLY_HELP_DUTY_MANAGER, now - dt.timedelta(days=30), OPEN_OTHERS, None),
                (Role.SCREENING_OFFICER, now + dt.timedelta(days=30), OPEN_SCREENING, None),
            )
        ):
            cursor.execute(
                insert,
                ["contact_record", contact_id, base * 100_000, role.value, met, start, count],
            )
    _vacuumed_all_visible("thresholds_deadline")


def _vacuumed_all_visible(table: str, *, within: float = 60.0) -> None:
    """VACUUM the table until (almost) every page of it is marked all-visible, as autovacuum leaves a
    table in service: the visibility map lets an index be read alone (so this test runs
    outside a transaction: VACUUM cannot run in one).

    VACUUM marks a page only when no transaction in the database may still need its rows'
    earlier state. Another session's snapshot taken before the rows were written (an
    autovacuum ANALYZE of another table, say) leaves the pages unmarked, and PostgreSQL then
    prices a visit to the table per index entry and rightly walks the open clocks instead
    (CI once planned so, on a run where some snapshot was older than these rows). So VACUUM again until the pages are marked, and say who holds
    the old snapshot if they never are."""
    deadline = time.monotonic() + within
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE oid = %s::regclass", [table]
            )
            pages, visible = cursor.fetchone()
            if visible >= 0.99 * pages or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if visible < 0.99 * pages:
            cursor.execute(
                """SELECT pid, backend_type, state, xact_start, left(query, 120)
                FROM pg_stat_activity
                WHERE datname = current_database() AND backend_xmin IS NOT NULL
                  AND pid <> pg_backend_pid()"""
            )
            pytest.fail(
                f"{table}: {visible} of {pages} pages all-visible after {within:.0f} s of "
                f"VACUUM; sessions holding a snapshot: {cursor.fetchall()}"
            )


@pytest.mark.django_db(transaction=True)
def test_a_roles_clocks_are_read_from_the_roles_index_alone_and_stop_at_the_page(
    screening_officer,
):
    now = timezone.now()
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    _clocks(contact.pk, now)
    clocks = clocks_for_user(
        screening_officer,
        visible=contact_visibility(screening_officer, on="contact"),
        now=now,
        upto=51,
    )
    sql, params = clocks.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using deadline_open_role_covering" in plan, plan
    assert len(list(clocks)) == 51
    assert all(c.responsible_role == Role.SCREENING_OFFICER for c in clocks)
