"""The same incident reported twice (police and school about one child within the profile's
window) is flagged at screening, and handled together or dismissed with a reason, in history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals import duplicates, services
from referrals.models import ContactDuplicate, DuplicateStatus
from tests.factories import PersonFactory, complete_contact

pytestmark = pytest.mark.django_db


def _submitted(officer, profile, children, hours_ago=0):
    contact = complete_contact(
        by=officer, children=children, received_at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    return contact


def test_a_second_contact_about_the_same_child_within_the_window_is_flagged(
    screening_officer, camden
):
    child = PersonFactory()
    school = _submitted(screening_officer, camden, [child], hours_ago=30)
    police = _submitted(screening_officer, camden, [child])
    flag = ContactDuplicate.objects.get()
    assert (flag.contact, flag.duplicate_of, flag.status) == (police, school, DuplicateStatus.OPEN)
    assert "received within 72 hours" in flag.history.get().history_change_reason


def test_a_contact_outside_the_profile_window_is_not_flagged(screening_officer, havering):
    havering.duplicate_contact_window_hours = 24
    havering.save()
    child = PersonFactory()
    _submitted(screening_officer, havering, [child], hours_ago=30)
    _submitted(screening_officer, havering, [child])
    assert not ContactDuplicate.objects.exists()


def test_a_contact_about_another_child_is_not_flagged(screening_officer, camden):
    _submitted(screening_officer, camden, [PersonFactory()], hours_ago=2)
    _submitted(screening_officer, camden, [PersonFactory()])
    assert not ContactDuplicate.objects.exists()


def test_handling_together_is_recorded_on_the_flag_and_both_contacts(
    screening_officer, senior_practitioner, camden
):
    child = PersonFactory()
    school = _submitted(screening_officer, camden, [child], hours_ago=3)
    police = _submitted(screening_officer, camden, [child])
    flag = ContactDuplicate.objects.get()
    duplicates.contact_duplicate_decide(
        flag=flag, by=senior_practitioner, decision="link", reason="Same assault"
    )
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.LINKED and flag.decided_by == senior_practitioner
    for contact, other in ((school, police), (police, school)):
        latest = contact.history.first()
        assert (
            latest.history_change_reason == f"Handled together with {other.reference}: Same assault"
        )
        assert latest.history_user == senior_practitioner
    with pytest.raises(ValidationError):
        duplicates.contact_duplicate_decide(
            flag=flag, by=senior_practitioner, decision="dismiss", reason="Changed my mind"
        )


def test_dismissing_needs_a_reason_and_a_screener(screening_officer, mash_social_worker, camden):
    child = PersonFactory()
    _submitted(screening_officer, camden, [child], hours_ago=3)
    _submitted(screening_officer, camden, [child])
    flag = ContactDuplicate.objects.get()
    with pytest.raises(ValidationError):
        duplicates.contact_duplicate_decide(
            flag=flag, by=screening_officer, decision="dismiss", reason=" "
        )
    with pytest.raises(PermissionDenied):
        duplicates.contact_duplicate_decide(
            flag=flag, by=mash_social_worker, decision="dismiss", reason="Different incident"
        )
    duplicates.contact_duplicate_decide(
        flag=flag, by=screening_officer, decision="dismiss", reason="Different incident"
    )
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.DISMISSED and flag.reason == "Different incident"


def test_the_new_contacts_queue_names_the_duplicate_without_a_query_per_row(
    client, screening_officer, camden
):
    client.force_login(screening_officer)
    child = PersonFactory()
    school = _submitted(screening_officer, camden, [child], hours_ago=3)
    police = _submitted(screening_officer, camden, [child])
    url = reverse("referrals:queue_new")
    client.get(url)  # the first request of a session writes it once
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    assert f"Possible duplicate of {school.reference}" in body
    assert f"Possible duplicate of {police.reference}" in body
    for _ in range(3):
        other = PersonFactory()
        _submitted(screening_officer, camden, [other], hours_ago=1)
        _submitted(screening_officer, camden, [other])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_contact_page_offers_the_decision_and_the_form_keeps_what_was_typed(
    client, screening_officer, camden
):
    child = PersonFactory()
    school = _submitted(screening_officer, camden, [child], hours_ago=3)
    police = _submitted(screening_officer, camden, [child])
    flag = ContactDuplicate.objects.get()
    client.force_login(screening_officer)
    body = client.get(police.get_absolute_url()).content.decode()
    assert "Possible duplicate of" in body and school.reference in body
    url = reverse("referrals:contact_duplicate", args=[police.pk, flag.pk])
    assert url in body
    response = client.post(url, {"decision": "dismiss", "reason": ""})
    assert response.status_code == 200
    assert "Enter why these contacts are not about the same incident" in response.text
    response = client.post(url, {"decision": "link", "reason": "x" * 5000})
    assert response.status_code == 200 and "govuk-error-summary" in response.text
    response = client.post(url, {"decision": "link", "reason": "One incident"})
    assert response.status_code == 302
    body = client.get(school.get_absolute_url()).content.decode()
    assert "Handled together with" in body and police.reference in body
