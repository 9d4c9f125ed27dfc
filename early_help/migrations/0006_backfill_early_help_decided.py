"""Contacts whose early help referral decision is settled (a decision, a step-up to the MASH or
a step-down to the panel) are marked, so they leave the decision queue's index."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("early_help", "0005_step_up_to_mash"),
        ("referrals", "0021_queue_indexes_early_help_decided"),
    ]

    operations = [
        migrations.RunSQL(
            """
            UPDATE referrals_contact SET early_help_decided = true
            WHERE id IN (SELECT contact_id FROM early_help_earlyhelpdecision
                         UNION SELECT contact_id FROM early_help_stepdown)
            """,
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
