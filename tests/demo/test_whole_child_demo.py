"""seed_demo shows the whole child: a chronology-rich child, a repeat-contact child who is not
"Not known", and an agreed staff-safety warning partners are told of."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from referrals import chronology, selectors
from referrals.models import Person
from referrals.person_warnings.models import PersonWarning, WarningStatus


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("seed_demo", "--without-year", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_repeat_contact_child_is_known_from_three_contacts(seeded, db):
    child = Person.objects.get(first_name="Jordan", last_name="Repeat")
    known = selectors.known_summary(
        child, user=User.objects.get(username="senior"), today=timezone.localdate()
    )
    assert known.known_from_contacts_only
    assert known.contacts_recent == 3


def test_an_agreed_staff_safety_warning_and_one_awaiting_a_manager(seeded, db):
    agreed = PersonWarning.objects.get(status=WarningStatus.AGREED)
    assert agreed.kind == "staff_safety" and agreed.told_to_partners
    assert PersonWarning.objects.filter(status=WarningStatus.PROPOSED).count() == 1


def test_a_chronology_rich_child_for_the_mash(seeded, db):
    child = PersonWarning.objects.get(status=WarningStatus.PROPOSED).person
    mash = User.objects.get(username="mashmanager")
    entries = chronology.chronology(user=mash, person=child, limit=200)
    kinds = {e.kind for e in entries}
    assert {"contacts", "ratings", "mash", "passed_on", "warnings"} <= kinds
    assert len(entries) >= 15
