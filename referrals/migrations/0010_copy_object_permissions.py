"""Move this app's object permissions from guardian's generic tables into the direct ones.

Copied with SQL (a large council holds hundreds of thousands of grants); a generic row whose
object no longer exists is dropped, since a direct row cannot point at nothing.
"""

# ruff: noqa: S608 -- the interpolated names are this file's constants, never input.
from django.db import migrations

# (model, direct user table, direct group table, the record's table)
MODELS = [
    (
        "contact",
        "referrals_contactuserobjectpermission",
        "referrals_contactgroupobjectpermission",
        "referrals_contact",
    ),
    (
        "person",
        "referrals_personuserobjectpermission",
        "referrals_persongroupobjectpermission",
        "referrals_person",
    ),
]


def _content_type_id(cursor, model: str) -> int | None:
    cursor.execute(
        "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s",
        ["referrals", model],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def to_direct(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        for model, user_table, group_table, record_table in MODELS:
            ct = _content_type_id(cursor, model)
            if ct is None:
                continue
            for generic, direct, holder in (
                ("guardian_userobjectpermission", user_table, "user_id"),
                ("guardian_groupobjectpermission", group_table, "group_id"),
            ):
                cursor.execute(
                    f"INSERT INTO {direct} ({holder}, permission_id, content_object_id) "
                    f"SELECT g.{holder}, g.permission_id, r.id FROM {generic} g "
                    f"JOIN {record_table} r ON r.id::text = g.object_pk "
                    f"WHERE g.content_type_id = %s ON CONFLICT DO NOTHING",
                    [ct],
                )
                cursor.execute(f"DELETE FROM {generic} WHERE content_type_id = %s", [ct])


def to_generic(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        for model, user_table, group_table, _ in MODELS:
            ct = _content_type_id(cursor, model)
            if ct is None:
                continue
            for generic, direct, holder in (
                ("guardian_userobjectpermission", user_table, "user_id"),
                ("guardian_groupobjectpermission", group_table, "group_id"),
            ):
                cursor.execute(
                    f"INSERT INTO {generic} ({holder}, permission_id, content_type_id, object_pk) "
                    f"SELECT {holder}, permission_id, %s, content_object_id::text FROM {direct} "
                    f"ON CONFLICT DO NOTHING",
                    [ct],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0009_direct_object_permissions"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(to_direct, to_generic, elidable=False)]
