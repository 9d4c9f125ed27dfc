"""What every page reads to know who is asking: the signed-in user with their team and agency
in one query, their role-wide permissions in one (their own and their groups'), and within a
read-only request what they hold on a record in one (accounts.permissions)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from guardian.shortcuts import assign_perm

from accounts.models import User
from accounts.permissions import CaseDataModelBackend, ObjectPermissionCacheMiddleware
from referrals.access import may_contact
from referrals.services import contact_start


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_view_by_group_and_search_of_their_own(user: User, group_name: str) -> Group:
    group = Group.objects.create(name=group_name)
    group.permissions.add(_permission("referrals.view_person"))
    user.groups.add(group)
    user.user_permissions.add(_permission("referrals.search_person"))
    return group


def test_the_signed_in_user_comes_with_their_team_agency_and_roles(
    db, django_assert_num_queries, screening_officer, partner_user, outsider
):
    backend = CaseDataModelBackend()
    for user in (screening_officer, partner_user, outsider):
        expected = (user.team, user.agency, user.roles)
        with django_assert_num_queries(1):
            signed_in = backend.get_user(user.pk)
            assert (signed_in.team, signed_in.agency, signed_in.roles) == expected
    assert screening_officer.roles and not outsider.roles


def test_a_deactivated_or_missing_user_is_signed_in_as_nobody(db, screening_officer):
    backend = CaseDataModelBackend()
    User.objects.filter(pk=screening_officer.pk).update(is_active=False)
    assert backend.get_user(screening_officer.pk) is None
    assert backend.get_user(10**9) is None


def test_the_signed_in_user_comes_with_their_role_wide_permissions_read_in_the_same_query(
    db, django_assert_num_queries, outsider
):
    group = _grant_view_by_group_and_search_of_their_own(outsider, "signed-in-permissions")
    backend = CaseDataModelBackend()

    with django_assert_num_queries(1):
        signed_in = backend.get_user(outsider.pk)
        assert signed_in.has_perm("referrals.view_person")
        assert signed_in.has_perm("referrals.search_person")
        assert not signed_in.has_perm("referrals.change_person")
        assert signed_in.roles == frozenset() and signed_in.read_group_ids() == [group.pk]
    # The same set as the permissions read apart.
    assert signed_in.get_all_permissions() == CaseDataModelBackend().get_all_permissions(
        User.objects.get(pk=outsider.pk)
    )

    # The next request's user holds what was changed in between.
    group.permissions.remove(_permission("referrals.view_person"))
    assert not backend.get_user(outsider.pk).has_perm("referrals.view_person")


def test_a_signed_in_superuser_holds_no_case_data_permission_and_every_other(db):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    signed_in = CaseDataModelBackend().get_user(root.pk)
    assert signed_in.has_perm("thresholds.change_councilprofile")
    assert not signed_in.has_perm("referrals.view_contact")
    assert not signed_in.has_perm("mash.decide_enquiry")


@pytest.mark.parametrize("junk", ["", "abc", "-1", 0, -5, 2**63, 10**30, "1; drop", None])
def test_a_session_naming_no_possible_user_signs_in_nobody(db, junk):
    assert CaseDataModelBackend().get_user(junk) is None


def test_a_user_with_no_team_or_agency_is_read_with_none(db, django_assert_num_queries):
    loner = User.objects.create_user("loner", "loner@example.org", "a-long-password-1")
    with django_assert_num_queries(1):
        signed_in = CaseDataModelBackend().get_user(str(loner.pk))
        assert signed_in.team is None and signed_in.agency is None
        assert signed_in.get_all_permissions() == set()
    assert signed_in == loner and signed_in.username == "loner"


def test_role_wide_permissions_are_the_users_own_and_their_groups_read_at_once(
    db, django_assert_num_queries, outsider
):
    group = _grant_view_by_group_and_search_of_their_own(outsider, "permission-reads")
    user = User.objects.get(pk=outsider.pk)

    with django_assert_num_queries(1):
        held = user.get_all_permissions()
        assert user.has_perm("referrals.view_person")
        assert user.has_perm("referrals.search_person")
    assert {"referrals.view_person", "referrals.search_person"} <= held
    assert not user.has_perm("referrals.change_person")

    # A change is seen by the next request's user (read afresh), never by a stale cache.
    group.permissions.remove(_permission("referrals.view_person"))
    assert not User.objects.get(pk=outsider.pk).has_perm("referrals.view_person")
    assert user.has_perm("referrals.view_person")  # this request's answer stands


def test_a_deactivated_user_holds_no_role_wide_permission(db, screening_officer):
    user = User.objects.get(pk=screening_officer.pk)
    user.is_active = False
    assert CaseDataModelBackend().get_all_permissions(user) == set()
    assert not user.has_perm("referrals.add_contact")


def test_within_a_get_a_record_grant_is_read_for_user_and_groups_in_one_query(
    db, django_assert_num_queries, screening_officer, outsider
):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    group = Group.objects.create(name="record-grants")
    outsider.groups.add(group)
    assign_perm("referrals.view_contact", outsider, contact)
    assign_perm("referrals.change_contact", group, contact)
    user = User.objects.get(pk=outsider.pk)
    user.get_all_permissions()  # role-wide: none, read before the count
    answers = {}

    def view(request):
        with django_assert_num_queries(1):
            for perm in ("view_contact", "change_contact", "screen_contact"):
                answers[perm] = may_contact(user, perm, contact)
        return HttpResponse()

    ObjectPermissionCacheMiddleware(view)(RequestFactory().get("/"))
    assert answers == {"view_contact": True, "change_contact": True, "screen_contact": False}


def test_a_page_names_the_users_team_in_its_header_without_reading_it_again(
    client, screening_officer
):
    client.force_login(screening_officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("referrals:person_search")).content.decode()
    assert f"Signed in as <strong>{escape(screening_officer.get_full_name())}</strong>, " in page
    assert escape(screening_officer.team.name) in page
    assert not [q for q in queries if 'FROM "accounts_team"' in q["sql"]]


def test_a_page_reads_the_users_groups_with_the_user_not_again(client, screening_officer):
    client.force_login(screening_officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("work_tray")).content.decode()
    assert "New contacts" in page  # the navigation knows the role
    read_apart = ('SELECT "auth_group".', 'SELECT "accounts_user_groups".')
    assert not [q for q in queries if q["sql"].startswith(read_apart)]


def test_a_grant_filter_names_the_permission_by_id_remembered_until_migrate_or_flush(
    db, django_assert_num_queries, screening_officer, outsider
):
    from django.core.management.sql import emit_post_migrate_signal

    from accounts import grants
    from referrals.models import Contact

    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    assign_perm("referrals.view_contact", outsider, contact)
    grants.forget_permission_ids()
    visible = grants.granted(outsider, "referrals.view_contact", Contact.objects.all())
    assert list(visible) == [contact]
    held = _permission("referrals.view_contact").pk
    assert grants._permission_ids == {("referrals", "contact", "view_contact"): held}
    assert 'FROM "auth_permission"' not in str(visible.query)
    with django_assert_num_queries(1):  # the groups (none) are read; the id is remembered
        grants.grant_filter(outsider, "referrals.view_contact", Contact)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert grants._permission_ids == {}


def test_a_permission_not_yet_created_is_held_by_nobody_and_not_remembered(db, outsider):
    from accounts import grants
    from referrals.models import Contact

    Permission.objects.filter(codename="view_contact").delete()
    grants.forget_permission_ids()
    assert (
        list(
            Contact.objects.filter(grants.grant_filter(outsider, "referrals.view_contact", Contact))
        )
        == []
    )
    assert grants._permission_ids == {}
