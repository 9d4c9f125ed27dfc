"""Object permissions live in guardian's direct foreign-key tables, and queues read them by index."""

import importlib

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from accounts.grants import grant_filter, granted
from accounts.models import Team, User
from early_help.models import FamilyWorkCase
from mash.models import Enquiry, PartnerRequest
from referrals.models import (
    Contact,
    ContactGroupObjectPermission,
    ContactUserObjectPermission,
    Person,
)
from referrals.services import contact_start
from tests.factories import TeamFactory, UserFactory


def start(by: User) -> Contact:
    return contact_start(by=by, source="phone", received_at=timezone.now())


def fresh(user: User) -> User:
    """The same user without guardian's and Django's per-instance permission caches."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("model", [Contact, Person, Enquiry, PartnerRequest, FamilyWorkCase])
def test_every_record_with_object_permissions_has_direct_tables(db, model):
    for direct in (get_user_obj_perms_model(model), get_group_obj_perms_model(model)):
        assert not direct.objects.is_generic()
        assert direct._meta.get_field("content_object").related_model is model


def test_guardian_api_reads_and_writes_the_direct_user_table(db, screening_officer, outsider):
    contact = start(screening_officer)

    assign_perm("referrals.change_contact", outsider, contact)

    assert ContactUserObjectPermission.objects.filter(
        user=outsider, content_object=contact, permission__codename="change_contact"
    ).exists()
    assert not UserObjectPermission.objects.exists()
    assert fresh(outsider).has_perm("referrals.change_contact", contact)
    assert list(get_objects_for_user(outsider, "referrals.change_contact", Contact)) == [contact]

    remove_perm("referrals.change_contact", outsider, contact)

    assert not fresh(outsider).has_perm("referrals.change_contact", contact)
    assert not get_objects_for_user(fresh(outsider), "referrals.change_contact", Contact).exists()


def test_guardian_api_reads_and_writes_the_direct_group_table(db, screening_officer):
    team = TeamFactory(name="Grants test team")
    member = UserFactory(team=team)
    contact = start(screening_officer)

    assign_perm("referrals.view_contact", team.group, contact)

    assert ContactGroupObjectPermission.objects.filter(group=team.group).count() == 1
    assert not GroupObjectPermission.objects.exists()
    assert fresh(member).has_perm("referrals.view_contact", contact)

    remove_perm("referrals.view_contact", team.group, contact)

    assert not fresh(member).has_perm("referrals.view_contact", contact)


def test_granted_unites_own_and_group_grants_and_nothing_else(db, screening_officer):
    team = TeamFactory(name="Grants test team")
    member = UserFactory(team=team)
    mine, teams, others = (start(screening_officer) for _ in range(3))
    assign_perm("referrals.view_contact", member, mine)
    assign_perm("referrals.view_contact", team.group, teams)
    assign_perm("referrals.change_contact", member, others)  # another permission

    visible = granted(member, "referrals.view_contact", Contact.objects.all())

    assert set(visible) == {mine, teams}
    assert "EXISTS" in str(visible.query)


def test_granted_gives_a_role_wide_holder_everything_unless_told_not_to(db, screening_officer):
    contact = start(screening_officer)

    assert list(granted(screening_officer, "referrals.view_contact", Contact.objects.all())) == [
        contact
    ]
    assert not granted(
        screening_officer,
        "referrals.view_contact",
        Contact.objects.all(),
        accept_global_perms=False,
    ).exists()


def test_granted_gives_an_inactive_user_nothing(db, screening_officer):
    contact = start(screening_officer)
    assign_perm("referrals.view_contact", screening_officer, contact)
    screening_officer.is_active = False

    assert not granted(screening_officer, "referrals.view_contact", Contact.objects.all()).exists()


def test_granted_refuses_a_permission_of_another_app(db, outsider):
    with pytest.raises(ValueError):
        grant_filter(outsider, "mash.view_enquiry", Contact)


def test_granted_refuses_a_model_without_direct_tables(db, outsider):
    with pytest.raises(ImproperlyConfigured):
        grant_filter(outsider, "accounts.view_team", Team)


def test_migration_moves_generic_grants_into_the_direct_tables(db, screening_officer, outsider):
    contact = start(screening_officer)
    team = TeamFactory(name="Grants test team")
    ct = ContentType.objects.get_for_model(Contact)
    view = Permission.objects.get(content_type=ct, codename="view_contact")
    UserObjectPermission.objects.create(
        user=outsider, permission=view, content_type=ct, object_pk=str(contact.pk)
    )
    GroupObjectPermission.objects.create(
        group=team.group, permission=view, content_type=ct, object_pk=str(contact.pk)
    )
    orphan = UserObjectPermission(user=outsider, permission=view, content_type=ct, object_pk="0")
    UserObjectPermission.objects.bulk_create([orphan])  # its contact no longer exists
    migration = importlib.import_module("referrals.migrations.0010_copy_object_permissions")

    with connection.schema_editor() as editor:
        migration.to_direct(None, editor)

    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()
    assert ContactUserObjectPermission.objects.get().content_object == contact
    assert ContactGroupObjectPermission.objects.get().group == team.group
    assert fresh(outsider).has_perm("referrals.view_contact", contact)
