"""Configuring the service is not reading case files: superusers and administrators get no case
record, except read-only through a logged, time-limited break glass (ADR 0009)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import break_glass
from accounts.models import AccessLog, Notification, User
from accounts.roles import Role
from mash.models import Enquiry
from tests.factories import UserFactory
from tests.referrals.test_access import _partner_request

ANALYSIS = {
    "summary": "Checks back",
    "analysis": "Risk is high",
    "recommended_level": "4",
    "recommended_action": "Strategy discussion",
}


@pytest.fixture
def superuser(db):
    """What the README's old `createsuperuser` made."""
    return User.objects.create_superuser("root", "root@example.org", "a-long-password-1")


@pytest.fixture
def administrator(db):
    """What the demo's `admin` is: an administrator-role staff user."""
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture(params=["superuser", "administrator"])
def configurer(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def check(camden, screening_officer, senior_practitioner, mash_manager, mash_social_worker, police):
    return _partner_request(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        agency=police,
    )


def _pages(check) -> list[str]:
    contact = check.enquiry.contact
    return [
        reverse("mash:enquiry", args=[check.enquiry.pk]),
        reverse("mash:partner_request", args=[check.pk]),
        reverse("referrals:contact_detail", args=[contact.pk]),
        reverse("referrals:person_detail", args=[contact.contact_people.first().person_id]),
    ]


def _save_analysis(client, enquiry: Enquiry):
    url = reverse("mash:enquiry_analysis", args=[enquiry.pk])
    return client.post(url, {**ANALYSIS, "version": enquiry.version})


def test_a_superuser_holds_configuration_but_no_case_data_permission(superuser):
    assert superuser.has_perm("thresholds.change_councilprofile")
    assert superuser.has_perm("accounts.change_messagetemplate")
    for perm in ("referrals.view_contact", "mash.view_enquiry", "mash.decide_enquiry"):
        assert not superuser.has_perm(perm), perm
    assert not superuser.has_perm("thresholds.view_deadline")
    assert not superuser.has_module_perms("referrals")


def test_configurers_are_not_found_on_case_pages_and_cannot_save_an_analysis(
    client, configurer, check
):
    client.force_login(configurer)
    for url in _pages(check):
        assert client.get(url).status_code == 404, url
    assert _save_analysis(client, check.enquiry).status_code == 404
    check.enquiry.refresh_from_db()
    assert check.enquiry.analysis == ""


def test_configurers_see_no_partner_request_in_any_list(configurer, check):
    from mash.access import partner_requests_for
    from referrals.selectors import contacts_visible_to

    assert not partner_requests_for(configurer).exists()
    assert not contacts_visible_to(configurer).exists()


def test_the_administrator_configures_the_service_in_the_admin(client, administrator, camden):
    client.force_login(administrator)
    for name, args in [
        ("admin:thresholds_councilprofile_change", [camden.pk]),
        ("admin:accounts_team_changelist", []),
        ("admin:accounts_user_add", []),
        ("admin:accounts_messagetemplate_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert client.get(reverse("admin:referrals_person_changelist")).status_code == 403


def test_break_glass_reads_are_logged_but_nothing_can_be_written(
    client, configurer, check, mash_manager, team_manager, django_capture_on_commit_callbacks
):
    glass = break_glass.break_glass_start(user=configurer, reason="Subject access request 42")
    client.force_login(configurer)
    for url in _pages(check):
        assert client.get(url).status_code == 200, url
    contact = check.enquiry.contact
    row = AccessLog.objects.filter(user=configurer, object_id=contact.pk).latest("pk")
    assert row.details["break_glass"] == glass.pk
    # Read-only: the analysis cannot be saved.
    assert _save_analysis(client, check.enquiry).status_code == 403
    check.enquiry.refresh_from_db()
    assert check.enquiry.analysis == ""
    assert not configurer.has_perm("referrals.change_contact", contact)
    # The managers were told, with the reason.
    for manager in (mash_manager, team_manager):
        notice = Notification.objects.get(user=manager, title__contains="broke the glass")
        assert "Subject access request 42" in notice.body


def test_after_expiry_the_glass_no_longer_opens_case_records(client, configurer, check):
    break_glass.break_glass_start(user=configurer, reason="Investigating a reported fault")
    client.force_login(configurer)
    later = timezone.now() + dt.timedelta(minutes=61)
    with time_machine.travel(later):
        for url in _pages(check):
            assert client.get(url).status_code == 404, url


def test_ending_the_break_glass_early_closes_it(client, administrator, check):
    client.force_login(administrator)
    response = client.post(reverse("break_glass"), {"reason": "Subject access request 7"})
    assert response.status_code == 302
    assert client.get(_pages(check)[0]).status_code == 200
    client.post(reverse("break_glass_end"))
    assert client.get(_pages(check)[0]).status_code == 404


def test_breaking_the_glass_needs_a_reason_and_an_administrator(client, administrator, outsider):
    client.force_login(administrator)
    response = client.post(reverse("break_glass"), {"reason": ""})
    assert response.status_code == 200
    assert "Say why you need to read case records" in response.text
    assert break_glass.active_break_glass(administrator) is None
    client.force_login(outsider)
    assert client.get(reverse("break_glass")).status_code == 403


def test_admin_change_and_history_pages_of_a_person_write_the_access_log(client, configurer, check):
    person_id = check.enquiry.contact.contact_people.first().person_id
    client.force_login(configurer)
    change = reverse("admin:referrals_person_change", args=[person_id])
    history = reverse("admin:referrals_person_history", args=[person_id])
    assert client.get(change).status_code == 403
    break_glass.break_glass_start(user=configurer, reason="Subject access request 9")
    for url in (change, history):
        assert client.get(url).status_code == 200, url
        row = AccessLog.objects.get(user=configurer, object_id=person_id, path=url)
        assert "in administration" in row.description
