"""Each link of a person to a contact carries the contact's received time once the contact is
submitted (issue 13: the MI page's repeat-contact figure for a year reads the children's
contacts in date order from the links alone).

Three steps, and nothing else: the column (nullable, so adding it rewrites nothing), its
backfill from the contacts (drafts stay NULL), and the index the figure reads, built
CONCURRENTLY on PostgreSQL so a populated database keeps answering while it is made. Not
atomic: CREATE INDEX CONCURRENTLY cannot run in a transaction; the backfill is one statement.
After running this on a large database, VACUUM ANALYZE referrals_contactperson (the backfill
leaves a dead version of every row, and the index-only read needs the visibility map).
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX elsewhere (SQLite, the
    embedded demo, has no CONCURRENTLY)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


def backfill(apps, schema_editor):
    """Every link of a submitted contact gets the contact's received time (drafts keep NULL)."""
    if schema_editor.connection.vendor == "postgresql":
        # One join, not a subquery per link (7.9 M links at a large council's size).
        sql = (
            "UPDATE referrals_contactperson cp SET received_at = c.received_at "
            "FROM referrals_contact c WHERE c.id = cp.contact_id AND c.status <> 'draft'"
        )
    else:
        sql = (
            "UPDATE referrals_contactperson SET received_at = (SELECT c.received_at "
            "FROM referrals_contact c WHERE c.id = referrals_contactperson.contact_id "
            "AND c.status <> 'draft')"
        )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("referrals", "0025_referral_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactperson",
            name="received_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrentlyOnPostgres(
            model_name="contactperson",
            index=models.Index(
                condition=models.Q(("received_at__isnull", False), ("role", "child")),
                fields=["received_at", "person", "contact"],
                name="contact_person_child_received",
            ),
        ),
    ]
