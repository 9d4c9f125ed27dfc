"""Recompute the stored matching keys after the name normalisation changed (Ł, ø, ß, ...).

The keys are derived data that must agree with the live matching code, so this one
migration deliberately imports referrals.matching; it only ever rewrites the keys.
"""

from django.db import migrations


def recompute(apps, schema_editor):
    from referrals.matching import person_keys

    Person = apps.get_model("referrals", "Person")
    batch = []
    for person in Person.objects.only("pk", "first_name", "last_name").iterator(chunk_size=2000):
        for name, value in person_keys(person.first_name, person.last_name).items():
            setattr(person, name, value)
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["first_name_key", "last_name_key", "first_initial"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["first_name_key", "last_name_key", "first_initial"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_alter_historicaladdress_history_change_reason_and_more")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
