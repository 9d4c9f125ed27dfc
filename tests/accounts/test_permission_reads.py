"""What every page reads to know who is asking: the signed-in user with their team and agency
in one query, their role-wide permissions in one (their own and their groups'), and within a
read-only request what they hold on a record in one (accounts.permissions)."""

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


def test_role_wide_permissions_are_the_users_own_and_their_groups_read_at_once(
    db, django_assert_num_queries, outsider
):
    group = Group.objects.create(name="permission-reads")
    group.permissions.add(_permission("referrals.view_person"))
    outsider.groups.add(group)
    outsider.user_permissions.add(_permission("referrals.search_person"))
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
