"""Give every existing partner agency the group its staff share object permissions through."""

from django.db import migrations


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    PartnerAgency = apps.get_model("accounts", "PartnerAgency")
    User = apps.get_model("accounts", "User")
    for agency in PartnerAgency.objects.filter(group__isnull=True):
        agency.group, _ = Group.objects.get_or_create(name=f"agency:{agency.name}")
        agency.save(update_fields=["group"])
        for user in User.objects.filter(agency=agency, groups__name="partner_agency_user"):
            user.groups.add(agency.group)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_partneragency_group"),
        # The three councils' agencies are shipped by the profile data.
        ("thresholds", "0005_profile_data"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
