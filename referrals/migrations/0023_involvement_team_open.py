from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0022_contact_status_team"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(
                condition=models.Q(("closed_on__isnull", True)),
                fields=["team", "service", "person"],
                name="involvement_team_open",
            ),
        ),
    ]
