"""Management oversight: a team manager reviews a worker's tray and records a note and actions
with owners and dates; a contact about a child with an allocated social worker needs it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Notification
from accounts.roles import Role
from referrals import oversight
from referrals.models import Contact
from tests.factories import (
    TeamFactory,
    UserFactory,
    contacts_passed_to,
)


@pytest.fixture
def allocated(camden, screening_officer, social_worker, social_work_team):
    """A contact about a child open to social care with an allocated worker: passed to them."""
    (contact,) = contacts_passed_to(
        social_worker, team=social_work_team, by=screening_officer, profile=camden, count=1
    )
    contact.refresh_from_db()
    return contact


def _actions(owner, days=3):
    return [
        oversight.ActionData(
            action="Visit the family and see the child alone",
            owner=owner,
            due_on=timezone.localdate() + dt.timedelta(days=days),
        )
    ]


def test_a_contact_about_a_child_with_an_allocated_worker_needs_oversight(allocated):
    assert oversight.oversight_needed(allocated)


def test_recording_oversight_ends_the_need_and_tells_the_action_owner(
    allocated, team_manager, social_worker
):
    record = oversight.oversight_record(
        contact=allocated,
        by=team_manager,
        note="Reviewed the tray.",
        actions=_actions(social_worker),
    )
    assert not oversight.oversight_needed(allocated)
    assert record.worker == social_worker
    assert [a.owner for a in record.actions.all()] == [social_worker]
    assert Notification.objects.filter(user=social_worker, title__contains="Action on").exists()
    assert record.history.first().history_user == team_manager
    assert "Management oversight recorded" in allocated.history.first().history_change_reason


def test_oversight_needs_a_note_and_an_action_owned_in_the_team_by_a_future_date(
    allocated, team_manager
):
    stranger = UserFactory(roles=[], team=TeamFactory(name="Elsewhere"))
    with pytest.raises(ValidationError) as exc:
        oversight.oversight_record(
            contact=allocated, by=team_manager, note=" ", actions=_actions(stranger, days=-1)
        )
    assert {"note", "owner_1", "due_1"} <= set(exc.value.message_dict)


def test_only_a_manager_who_may_oversee_records_it(allocated, social_worker):
    with pytest.raises(PermissionDenied):
        oversight.oversight_record(
            contact=allocated, by=social_worker, note="Me", actions=_actions(social_worker)
        )


def test_the_workers_tray_lists_the_contact_as_needing_oversight_until_recorded(
    client, allocated, team_manager, social_worker, django_assert_max_num_queries
):
    client.force_login(team_manager)
    url = reverse("referrals:worker_tray", args=[social_worker.pk])
    response = client.get(url)
    assert [c.pk for c in response.context["contacts"]] == [allocated.pk]
    assert "Oversight needed" in response.text
    oversight.oversight_record(
        contact=allocated, by=team_manager, note="Fine.", actions=_actions(social_worker)
    )
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert "Oversight needed" not in response.text
    assert f"Last by {escape(str(team_manager))}" in response.text


def test_a_manager_cannot_open_the_tray_of_someone_outside_their_team(client, team_manager):
    other = UserFactory(roles=[], team=TeamFactory(name="Another team"))
    client.force_login(team_manager)
    assert client.get(reverse("referrals:worker_tray", args=[other.pk])).status_code == 404


def test_the_oversight_page_records_actions_and_the_contact_shows_them(
    client, allocated, team_manager, social_worker
):
    client.force_login(team_manager)
    page = client.get(allocated.get_absolute_url()).text
    assert "Oversight needed" in page
    due = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        reverse("referrals:contact_oversight", args=[allocated.pk]),
        {
            "note": "Worker to visit today.",
            "action_1": "Home visit",
            "owner_1": social_worker.pk,
            "due_1_0": due.day,
            "due_1_1": due.month,
            "due_1_2": due.year,
        },
    )
    assert response.status_code == 302
    page = client.get(allocated.get_absolute_url()).text
    assert "Oversight needed" not in page
    assert "Worker to visit today." in page and "Home visit" in page


def test_an_action_half_filled_in_is_named_in_the_error_summary(
    client, allocated, team_manager, social_worker
):
    client.force_login(team_manager)
    response = client.post(
        reverse("referrals:contact_oversight", args=[allocated.pk]),
        {"note": "N", "action_1": "Visit", "owner_1": social_worker.pk, "due_1_0": "99"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Worker to visit" not in response.text
    assert "Visit" in response.text  # what was typed is kept


def test_the_team_workers_page_lists_the_managers_team(client, team_manager, social_worker):
    client.force_login(team_manager)
    response = client.get(reverse("referrals:team_workers"))
    assert escape(str(social_worker)) in response.text
    assert UserFactory(roles=[Role.SCREENING_OFFICER]).pk not in [
        w.pk for w in response.context["workers"]
    ]


def test_the_trays_page_is_its_newest_contacts_with_their_oversight_state(
    allocated, camden, screening_officer, team_manager, social_worker, social_work_team
):
    """The page is cut before it is annotated: the same rows, order and states as the whole
    tray's first rows."""
    (newer,) = contacts_passed_to(
        social_worker, team=social_work_team, by=screening_officer, profile=camden, count=1
    )
    oversight.oversight_record(
        contact=allocated, by=team_manager, note="Fine.", actions=_actions(social_worker)
    )

    def rows(tray):
        return [(c.pk, c.oversight_needed, len(c.oversight_list)) for c in tray]

    whole = rows(oversight.worker_tray(team_manager, social_worker))
    assert whole == [(newer.pk, True, 0), (allocated.pk, False, 1)]
    assert rows(oversight.worker_tray(team_manager, social_worker, stop=1)) == whole[:1]
    assert rows(oversight.worker_tray(team_manager, social_worker, start=1, stop=2)) == whole[1:]
    assert rows(oversight.worker_tray(team_manager, social_worker, stop=5)) == whole


def test_a_busy_workers_tray_pages_back_to_their_oldest_contact(
    client, monkeypatch, camden, screening_officer, team_manager, social_worker, social_work_team
):
    """Every contact passed to the worker is on some page, once, newest first (contacts logged
    at the same moment in a fixed order); a junk page number shows the first page."""
    monkeypatch.setattr(oversight, "TRAY_PAGE", 2)
    passed = contacts_passed_to(
        social_worker, team=social_work_team, by=screening_officer, profile=camden, count=5
    )
    # Two logged in the same second: the page boundary falls between them.
    Contact.objects.filter(pk__in=[passed[1].pk, passed[2].pk]).update(
        received_at=passed[1].received_at
    )
    assert set(Contact.objects.filter(assigned_to=social_worker)) == set(passed)
    client.force_login(team_manager)
    url = reverse("referrals:worker_tray", args=[social_worker.pk])

    pages = [client.get(url, {"page": n}) for n in (1, 2, 3)]

    shown = [[c.pk for c in page.context["contacts"]] for page in pages]
    assert [len(ids) for ids in shown] == [2, 2, 1]
    assert sorted(sum(shown, [])) == sorted(c.pk for c in passed)
    newest_first = Contact.objects.filter(pk__in=[c.pk for c in passed]).order_by(
        "-received_at", "-pk"
    )
    assert sum(shown, []) == [c.pk for c in newest_first]
    assert "Page 1 of 3" in pages[0].text and 'rel="next"' in pages[0].text
    assert "5 contacts passed to" in pages[0].text
    assert [c.pk for c in client.get(url, {"page": "junk"}).context["contacts"]] == shown[0]
    assert [c.pk for c in client.get(url, {"page": "99"}).context["contacts"]] == shown[2]
