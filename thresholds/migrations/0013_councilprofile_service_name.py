from django.db import migrations, models

# What each council calls its front door (Camden's operational protocol, Havering's Contacts
# and Referrals page, the London procedures for Islington).
SERVICE_NAMES = {
    "camden": "Children and Families Contact Service",
    "havering": "Multi-Agency Safeguarding Hub (MASH)",
    "islington": "Children's Services Contact Team",
}


def seed(apps, schema_editor):
    CouncilProfile = apps.get_model("thresholds", "CouncilProfile")
    for code, name in SERVICE_NAMES.items():
        CouncilProfile.objects.filter(code=code, service_name="").update(service_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0012_mi_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="councilprofile",
            name="service_name",
            field=models.CharField(
                blank=True,
                help_text="What the council calls its front door, as the page header names it "
                "(e.g. Children and Families Contact Service).",
                max_length=120,
            ),
        ),
        migrations.AddField(
            model_name="historicalcouncilprofile",
            name="service_name",
            field=models.CharField(
                blank=True,
                help_text="What the council calls its front door, as the page header names it "
                "(e.g. Children and Families Contact Service).",
                max_length=120,
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
