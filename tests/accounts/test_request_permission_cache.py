"""A read-only request asks the grant tables about a record once per user; a writing request,
or code outside a request, asks every time (accounts.permissions.ObjectPermissionCacheMiddleware)."""

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.grants import granted, permission_id
from accounts.models import User
from accounts.permissions import ObjectPermissionCacheMiddleware
from referrals.access import may_contact
from referrals.models import Contact
from referrals.services import contact_start

PERMS = ("view_contact", "change_contact", "screen_contact", "rate_contact", "correct_contact")


def _serve(method: str, view) -> None:
    request = getattr(RequestFactory(), method)("/")
    ObjectPermissionCacheMiddleware(lambda r: view(r) or HttpResponse())(request)


def test_a_get_asks_about_a_record_once_however_many_permissions_it_checks(
    db, screening_officer, outsider
):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    assign_perm("referrals.view_contact", outsider, contact)
    user = User.objects.get(pk=outsider.pk)
    answers, counts = {}, []

    def view(request):
        for perm in PERMS:
            with CaptureQueriesContext(connection) as queries:
                answers[perm] = may_contact(user, perm, contact)
            counts.append(len(queries))

    _serve("get", view)

    assert answers == {p: p == "view_contact" for p in PERMS}
    assert counts[1:] == [0] * (len(PERMS) - 1)  # the first check read every grant on it


def test_a_get_reads_the_users_groups_once_for_every_list_it_filters(db, team_manager):
    user = User.objects.get(pk=team_manager.pk)
    user.has_perm("referrals.view_contact")  # Django's own cache of role-wide permissions
    # The permission's id, remembered per process: read by whichever test asks first.
    permission_id("referrals", "contact", "view_contact")
    counts = []

    def view(request):
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                list(granted(user, "referrals.view_contact", Contact.objects.all()))
            counts.append(len(queries))

    _serve("get", view)

    assert counts[1] == counts[2] == counts[0] - 1


def test_a_post_sees_a_grant_made_between_two_checks(db, screening_officer, outsider):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    user = User.objects.get(pk=outsider.pk)
    answers = []

    def view(request):
        answers.append(may_contact(user, "change_contact", contact))
        assign_perm("referrals.change_contact", user, contact)
        answers.append(may_contact(user, "change_contact", contact))
        remove_perm("referrals.change_contact", user, contact)
        answers.append(may_contact(user, "change_contact", contact))

    _serve("post", view)

    assert answers == [False, True, False]


def test_outside_a_request_every_check_reads_the_grants(db, screening_officer, outsider):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    user = User.objects.get(pk=outsider.pk)

    assert not may_contact(user, "change_contact", contact)
    assign_perm("referrals.change_contact", user, contact)
    assert may_contact(user, "change_contact", contact)
