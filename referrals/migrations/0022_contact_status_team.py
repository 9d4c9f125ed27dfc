from django.db import migrations, models


class Migration(migrations.Migration):
    """The MI workload figure counts open contacts by team from this index alone."""

    dependencies = [
        ("referrals", "0021_queue_indexes_early_help_decided"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["status", "assigned_team"], name="contact_status_team"),
        ),
    ]
