"""The retention queue and decision pages, the hold pages, and the rules in the admin."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from privacy import services
from privacy.models import (
    LegalHold,
    RecordKind,
    RetentionReview,
    RetentionRule,
    ReviewStatus,
    Tombstone,
)
from tests.factories import UserFactory
from tests.privacy.conftest import NFA_ON
from tests.privacy.records import closed_nfa


@pytest.fixture
def reviews(in_islington, screening_officer, senior_practitioner):
    for days in (0, 1):
        closed_nfa(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=in_islington,
            on=NFA_ON + dt.timedelta(days=days),
        )
    services.retention_sweep(today=dt.date(2022, 1, 1))
    return list(RetentionReview.objects.order_by("pk"))


def test_the_queue_lists_every_review_in_a_fixed_number_of_queries(
    client, reviews, service_manager, in_islington, screening_officer, senior_practitioner
):
    client.force_login(service_manager)
    with CaptureQueriesContext(connection) as two:
        response = client.get("/privacy/retention/")
    assert response.status_code == 200
    assert all(r.contact.reference in response.text for r in reviews)
    closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=in_islington,
        on=NFA_ON + dt.timedelta(days=5),
    )
    services.retention_sweep(today=dt.date(2022, 1, 1))
    with CaptureQueriesContext(connection) as three:
        client.get("/privacy/retention/")
    assert len(three) == len(two)


def test_approving_destruction_needs_a_reason_and_the_confirmation(
    client, reviews, service_manager
):
    client.force_login(service_manager)
    url = f"/privacy/retention/{reviews[0].pk}/destroy/"
    response = client.post(url, {"reason": "Ended"})
    assert response.status_code == 200 and "Confirm that the record will be destroyed" in (
        response.text
    )
    assert "Ended" in response.text  # what was typed is kept
    assert not Tombstone.objects.exists()
    response = client.post(url, {"reason": "Ended", "confirm": "on"})
    assert response.status_code == 302
    assert Tombstone.objects.get().review == reviews[0]
    assert client.get(url).status_code == 404  # decided: no second approval page


def test_keeping_a_record_asks_for_a_reason_and_a_future_date(client, reviews, service_manager):
    client.force_login(service_manager)
    url = f"/privacy/retention/{reviews[0].pk}/keep/"
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "reason": "Complaint",
            "review_again_on_0": past.day,
            "review_again_on_1": past.month,
            "review_again_on_2": past.year,
        },
    )
    assert "must be in the future" in response.text
    later = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(
        url,
        {
            "reason": "Complaint",
            "review_again_on_0": later.day,
            "review_again_on_1": later.month,
            "review_again_on_2": later.year,
        },
    )
    assert response.status_code == 302
    kept = RetentionReview.objects.get(pk=reviews[0].pk)
    assert kept.status == ReviewStatus.KEPT and kept.review_again_on == later
    assert kept.decided_by == service_manager and kept.decision_reason == "Complaint"


def test_a_hold_placed_and_lifted_through_the_pages(client, reviews, service_manager):
    person = reviews[0].contact.people.get()
    client.force_login(service_manager)
    response = client.get(person.get_absolute_url())
    assert f"/privacy/people/{person.pk}/holds/" in response.text
    url = f"/privacy/people/{person.pk}/holds/"
    response = client.post(url, {"reason": "inquiry", "details": ""})
    assert "Say what the hold is for" in response.text
    assert client.post(url, {"reason": "inquiry", "details": "Case review"}).status_code == 302
    hold = LegalHold.objects.get()
    response = client.get("/privacy/retention/")
    assert "Held" in response.text
    lift = f"/privacy/holds/{hold.pk}/lift/"
    assert "Say why the hold is lifted" in client.post(lift, {"reason": ""}).text
    assert client.post(lift, {"reason": "Review finished"}).status_code == 302
    hold.refresh_from_db()
    assert not hold.in_force and hold.lifted_by == service_manager


def test_the_person_page_offers_holds_only_to_holders_of_the_permission(
    client, reviews, screening_officer
):
    person = reviews[0].contact.people.get()
    client.force_login(screening_officer)
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200 and "/holds/" not in response.text


def test_an_administrator_changes_a_councils_rule_in_the_admin(client, islington):
    admin = UserFactory(username="admin", roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    rule = RetentionRule.objects.get(profile=islington, kind=RecordKind.NFA_ADVICE)
    url = f"/admin/privacy/retentionrule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"years": 3, "counted_from": "received", "source": "Islington policy 2026"}
    )
    assert response.status_code == 302, response.text[:500]
    rule.refresh_from_db()
    assert (rule.years, rule.counted_from) == (3, "received")
    assert rule.history.latest().history_user == admin
