from django.db import migrations

PROFILES = [
    # Camden: Children and Families Contact Service protocol (seed 003).
    {"code": "camden", "name": "London Borough of Camden", "route_recently_closed_to_last_team": False},
    # Havering: MASH contacts and referrals procedure (seed 002): closed within three months
    # goes back to the team that last worked with the child.
    {"code": "havering", "name": "London Borough of Havering", "route_recently_closed_to_last_team": True},
    # Islington: Children's Services Contact Team procedure (seed 004).
    {"code": "islington", "name": "London Borough of Islington", "route_recently_closed_to_last_team": False},
]


def seed(apps, schema_editor):
    CouncilProfile = apps.get_model("thresholds", "CouncilProfile")
    for data in PROFILES:
        CouncilProfile.objects.update_or_create(code=data["code"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("thresholds", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
