from django.db import migrations

ROLES = [
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_agency_user",
    "early_help_duty_manager",
    "early_help_worker",
    "team_manager",
    "administrator",
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    # The role list is frozen here on purpose: a migration must not import live code.
    # Their permissions are applied after every migrate by accounts.roles.sync_role_permissions.
    operations = [migrations.RunPython(seed, unseed)]
