"""seed_demo: loads a realistic front door once, through the services, never on a live service."""

from io import StringIO

import nhs_number
import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Notification, PartnerAgency, Team, User
from accounts.roles import Role
from demo.management.commands.seed_demo import DEMO_PASSWORD
from referrals.models import (
    Address,
    Contact,
    ContactPerson,
    ContactRole,
    ContactStatus,
    Involvement,
    Person,
    Service,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end (seeding takes seconds).

    Each test's own `db` transaction nests inside this one, as with TestCase.setUpTestData.
    """
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        # Today's front door only: the back-dated year is tests/demo/test_demo_year.py's.
        call_command("seed_demo", "--without-year", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    models = (
        User,
        Team,
        PartnerAgency,
        Person,
        Address,
        Involvement,
        Contact,
        ContactPerson,
        Notification,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    before = _counts()
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert _counts() == before


def test_force_gets_past_the_debug_check(seeded, db, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "already exist" in out.getvalue()


def test_one_demo_login_per_role_with_the_demo_password(seeded, db, client):
    for role in Role:
        users = User.objects.filter(groups__name=role.value)
        if role == Role.PARTNER_AGENCY_USER:
            # One per partner agency the MASH asks (police, health, education, probation).
            assert users.count() == users.values("agency").distinct().count() >= 4
        else:
            assert users.count() == 1, role
        for user in users:
            # Axes needs the request to count failures, so pass one as the login view would.
            assert client.login(
                request=HttpRequest(), username=user.username, password=DEMO_PASSWORD
            )
            client.logout()
    assert User.objects.get(username="police").agency.kind == "police"
    assert f"password {DEMO_PASSWORD}" in seeded


def test_contacts_reach_every_status_camden_uses(seeded, db):
    statuses = set(Contact.objects.values_list("status", flat=True))
    # Camden does not route recently closed cases back to their last team, and its
    # outcomes do not include provision of information and advice or no further action.
    unused = {
        ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
        ContactStatus.INFORMATION_AND_ADVICE,
        ContactStatus.CLOSED_NFA,
    }
    assert set(ContactStatus) - unused <= statuses
    # (45 and up: demo/whole_child.py adds a child with three contacts; four show search,
    # merging and duplicate contacts: demo/duplicates.py; five the screening demo:
    # demo/screening.py.)
    assert 35 <= Contact.objects.count() <= 60
    assert Contact.objects.filter(consider_assessment=True).count() >= 2
    for contact in Contact.objects.filter(status=ContactStatus.INFORMATION_ONLY):
        assert contact.information_only and contact.signposting
    for contact in Contact.objects.filter(status=ContactStatus.PASSED_TO_ALLOCATED_WORKER):
        assert contact.assigned_to is not None
        assert Notification.objects.filter(
            user=contact.assigned_to, title__contains=contact.reference
        ).exists()


def test_contacts_record_carers_and_an_alleged_perpetrator(seeded, db):
    links = ContactPerson.objects.exclude(role=ContactRole.CHILD)
    carer = links.filter(role=ContactRole.PARENT_CARER).first()
    assert carer.relationship_to_children and carer.has_parental_responsibility is not None
    assert carer.lives_with_children is not None
    assert links.filter(role=ContactRole.ALLEGED_PERPETRATOR).exists()


def test_case_history_has_open_recently_closed_and_old_involvements(seeded, db):
    today = timezone.localdate()
    open_ = Involvement.objects.filter(closed_on=None)
    assert open_.filter(service=Service.SOCIAL_CARE, allocated_worker__isnull=False).count() >= 15
    assert open_.filter(service=Service.EARLY_HELP, allocated_worker__isnull=False).count() >= 10
    assert Involvement.objects.filter(closed_on__gte=today - relativedelta(months=3)).count() >= 5
    assert Involvement.objects.filter(closed_on__lt=today - relativedelta(years=1)).count() >= 5


def test_people_have_valid_nhs_numbers_and_some_are_unborn(seeded, db):
    people = Person.objects.all()
    assert 200 <= people.count() <= 300
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert len(numbers) > 150
    assert all(nhs_number.is_valid(n) for n in numbers)
    unborn = people.filter(date_of_birth=None, expected_date_of_birth__gt=timezone.localdate())
    assert unborn.exists()
    assert not unborn.exclude(nhs_number=None).exists()


def test_running_twice_changes_nothing(seeded, db, settings):
    settings.DEBUG = True
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already exist" in out.getvalue()
    assert _counts() == before


def test_every_contacts_people_carry_its_received_time_once_submitted(seeded, db):
    from tests.referrals.link_helpers import links_out_of_step

    assert ContactPerson.objects.filter(received_at__isnull=False).exists()
    assert links_out_of_step() == []
