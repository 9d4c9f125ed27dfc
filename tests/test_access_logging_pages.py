"""The pages issue 9 found reading a contact without logging it now write its row (ADR 0009)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AccessLog, User
from tests.access_helpers import with_fixtures
from tests.early_help import test_access as early_help_table
from tests.referrals import test_access as referrals_table


def _section(name):
    return lambda o: (
        reverse("referrals:contact_section", args=[o["draft"].pk, name]),
        o["draft"],
    )


def _contact_page(name, key):
    return lambda o: (reverse(f"referrals:{name}", args=[o[key].pk]), o[key])


REFERRAL_PAGES = [
    ("screening_officer", _section("concerns")),
    ("screening_officer", _section("referrer")),
    ("screening_officer", _section("family")),
    ("screening_officer", _section("details")),
    (
        "screening_officer",
        lambda o: (
            reverse("referrals:contact_link_person", args=[o["draft"].pk, o["person"].pk])
            + "?role=adult",
            o["draft"],
        ),
    ),
    ("screening_officer", _contact_page("contact_referrer_told", "submitted")),
    ("screening_officer", _contact_page("contact_written_follow_up", "submitted")),
    ("screening_officer", _contact_page("contact_information_and_advice", "submitted")),
    ("screening_officer", lambda o: (reverse("referrals:queue_new"), o["submitted"])),
    ("senior_practitioner", lambda o: (reverse("referrals:queue_awaiting_rating"), o["awaiting"])),
    (
        "mash_manager",
        lambda o: (reverse("mash:enquiry_open", args=[o["with_mash"].pk]), o["with_mash"]),
    ),
    ("mash_manager", lambda o: (reverse("mash:queue"), o["with_mash"])),
    (
        "mash_manager",
        lambda o: (
            reverse("mash:discussion_decide", args=[o["discussion"].pk]),
            o["discussion"].contact,
        ),
    ),
    (
        "mash_manager",
        lambda o: (
            reverse("mash:discussion", args=[o["discussion"].discussion.date.isoformat()]),
            o["discussion"].contact,
        ),
    ),
]


def _case_page(name, *extra):
    return lambda o: (
        reverse(f"early_help:{name}", args=[o["case"].pk, *(o[e].pk for e in extra)]),
        o["case"].contact,
    )


EARLY_HELP_PAGES = [
    ("family_worker", _case_page("taf_add")),
    ("family_worker", _case_page("taf_edit", "member")),
    ("family_worker", _case_page("case_close")),
    ("family_worker", _case_page("case_step_up")),
    ("family_worker", lambda o: (reverse("early_help:cases"), o["case"].contact)),
    ("early_help_manager", lambda o: (reverse("early_help:queue"), o["green"])),
    (
        "early_help_manager",
        lambda o: (
            reverse("early_help:panel", args=[o["item"].panel.date.isoformat()]),
            o["item"].contact,
        ),
    ),
]


def _assert_logged(request, client, persona, page, records):
    user = request.getfixturevalue(persona)
    url, contact = page(records)
    client.force_login(user)
    assert client.get(url).status_code == 200, url
    rows = AccessLog.objects.filter(
        user=user, content_type__model="contact", object_id=contact.pk, path=url.split("?")[0]
    )
    assert rows.count() == 1, url


@pytest.mark.parametrize("persona,page", REFERRAL_PAGES)
def test_referral_and_mash_pages_log_the_contact_they_show(request, client, persona, page):
    records = with_fixtures(request, referrals_table.make_records)
    _assert_logged(request, client, persona, page, records)


@pytest.mark.parametrize("persona,page", EARLY_HELP_PAGES)
def test_early_help_pages_log_the_contact_they_show(request, client, persona, page):
    records = with_fixtures(request, early_help_table.make_records)
    _assert_logged(request, client, persona, page, records)


def test_a_refused_page_logs_nothing(client, outsider, request):
    records = with_fixtures(request, referrals_table.make_records)
    client.force_login(outsider)
    assert client.get(records["submitted"].get_absolute_url()).status_code == 404
    assert not AccessLog.objects.filter(user=outsider).exists()


def test_create_administrator_makes_a_staff_user_who_is_not_a_superuser(db, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-unusual-password-7")
    call_command(
        "create_administrator",
        username="helen",
        email="helen@example.org",
        password_from_env="ADMIN_PASSWORD",
    )
    helen = User.objects.get(username="helen")
    assert helen.is_staff and not helen.is_superuser
    assert helen.check_password("a-long-unusual-password-7")
    assert helen.has_perm("accounts.add_user") and not helen.has_perm("referrals.view_person")
