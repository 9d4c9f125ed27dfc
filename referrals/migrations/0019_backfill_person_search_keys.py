"""Fill the person search keys (name parts and address words) for everyone already recorded.

The keys are derived data that must agree with the live search code, so, like 0003, this
migration deliberately imports referrals.search; it only ever writes keys.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from referrals.search import address_parts, name_parts

    Person = apps.get_model("referrals", "Person")
    PersonSearchKey = apps.get_model("referrals", "PersonSearchKey")
    batch = []
    people = Person.objects.filter(destroyed_at__isnull=True).select_related("address")
    for person in people.iterator(chunk_size=2000):
        names = name_parts(
            person.first_name, person.middle_names, person.last_name, person.known_as
        )
        batch += [PersonSearchKey(person_id=person.pk, kind="name", value=n) for n in names]
        batch += [
            PersonSearchKey(person_id=person.pk, kind="address", value=a)
            for a in address_parts(person.address)
        ]
        if len(batch) >= 5000:
            PersonSearchKey.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        PersonSearchKey.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0018_person_search_keys_merges_and_duplicate_contacts")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
