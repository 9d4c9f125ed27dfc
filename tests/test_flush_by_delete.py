"""tests/conftest.py flushes a transactional test's tables with DELETE in any order: that holds
only while every foreign key may wait for the end of the transaction and the only triggers are
the clocks', whose tally the flush empties after them."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from accounts.roles import ROLE_PERMISSIONS
from referrals.models import Contact, Person


def test_every_foreign_key_is_deferrable_and_only_the_clocks_have_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND NOT condeferrable"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
        )
        assert {table for table, _ in cursor.fetchall()} == {"thresholds_deadline"}
        # What they write to is emptied after the clocks.
        statements = connection.ops.sql_flush(
            no_style(), ["thresholds_deadlinetally", "thresholds_deadline", "referrals_contact"]
        )
        assert statements[-1] == 'DELETE FROM "thresholds_deadlinetally";'


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_tables_whose_rows_refer_to_each_other(camden, screening_officer):
    from tests.factories import PersonFactory, complete_contact

    complete_contact(by=screening_officer, children=[PersonFactory()])
    assert Contact.objects.exists() and Person.objects.exists()
    statements = connection.ops.sql_flush(no_style(), ["referrals_contact", "referrals_person"])
    assert statements[0] == "SET CONSTRAINTS ALL DEFERRED"
    assert all(statement.startswith("DELETE FROM") for statement in statements[1:])
    call_command("flush", verbosity=0, interactive=False)
    assert not Contact.objects.exists() and not Person.objects.exists()
    # post_migrate after the flush gave the role groups their permissions back, once.
    for role, dotted in ROLE_PERMISSIONS.items():
        held = Group.objects.get(name=role.value).permissions.select_related("content_type")
        assert {f"{p.content_type.app_label}.{p.codename}" for p in held} == set(dotted), role
