"""Mark each council's early help front door, where green contacts go for a decision."""

from django.db import migrations

FRONT_DOORS = ["First Stop Early Help", "Havering Early Help", "Families First"]


def mark(apps, schema_editor):
    apps.get_model("accounts", "Team").objects.filter(name__in=FRONT_DOORS).update(kind="early_help_triage")


def unmark(apps, schema_editor):
    apps.get_model("accounts", "Team").objects.filter(name__in=FRONT_DOORS).update(kind="early_help")


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0007_deadline_warn_at"),
        ("accounts", "0005_alter_historicalteam_kind_alter_team_kind"),
    ]
    operations = [migrations.RunPython(mark, unmark)]
