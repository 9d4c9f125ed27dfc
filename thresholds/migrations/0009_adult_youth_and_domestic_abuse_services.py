"""The services MERLIN copies go to (DOMAIN §9) for councils whose MASH list did not name them.

Adults-only reports go to adult services, youth crime without safeguarding concerns to the
youth service, and every domestic abuse report to the domestic abuse service. The seeds'
MASH partner lists leave some out, so each council gets them here as partner agencies not
asked routinely; an administrator can rename them or switch them off in the admin.
"""

from django.db import migrations

AGENCIES = {
    "camden": [("Camden Adult Social Care", "adult_social_care")],
    "havering": [
        ("Havering Adult Social Care", "adult_social_care"),
        ("Havering youth service", "youth"),
    ],
    "islington": [
        ("Islington Adult Social Care", "adult_social_care"),
        ("Islington domestic abuse service", "domestic_abuse"),
    ],
}


def add(apps, schema_editor):
    CouncilProfile = apps.get_model("thresholds", "CouncilProfile")
    PartnerAgency = apps.get_model("accounts", "PartnerAgency")
    Group = apps.get_model("auth", "Group")
    for code, rows in AGENCIES.items():
        profile = CouncilProfile.objects.filter(code=code).first()
        if profile is None:
            continue
        for name, kind in rows:
            if PartnerAgency.objects.filter(name=name).exists():
                continue
            group, _ = Group.objects.get_or_create(name=f"agency:{name}")
            PartnerAgency.objects.create(
                name=name, kind=kind, profile=profile, always_asked=False, group=group
            )


def remove(apps, schema_editor):
    names = [name for rows in AGENCIES.values() for name, _ in rows]
    apps.get_model("accounts", "PartnerAgency").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0008_early_help_front_doors"),
        ("accounts", "0009_seed_message_templates"),
    ]
    operations = [migrations.RunPython(add, remove)]
