"""Requests for information: known families go to the allocated worker; otherwise a response is
written and authorised as provision of information and advice, within its clock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from referrals import services
from referrals.information_requests import services as info
from referrals.models import ContactSource, ContactStatus
from tests.factories import PersonFactory, complete_contact, open_involvement
from thresholds.models import ClockKind, Deadline


def request_for_information(officer, camden, child=None):
    contact = complete_contact(
        by=officer,
        children=[child or PersonFactory()],
        source=ContactSource.INFORMATION_REQUEST,
        concerns="Central Family Court asks whether the family is known to children's services.",
    )
    services.contact_update_section(
        contact=contact,
        by=officer,
        section="details",
        data={"information_only": True, "requesting_body": "Central Family Court"},
    )
    services.contact_submit(contact=contact, by=officer, profile=camden)
    services.contact_screen(contact=contact, by=officer, profile=camden, rationale="")
    contact.refresh_from_db()
    return contact


def clock(contact):
    return Deadline.objects.get(contact=contact, kind=ClockKind.INFORMATION_AND_ADVICE)


def test_a_request_about_an_unknown_family_becomes_information_and_advice_with_its_clock(
    screening_officer, camden
):
    contact = request_for_information(screening_officer, camden)
    assert contact.status == ContactStatus.INFORMATION_AND_ADVICE
    assert clock(contact).met_at is None


def test_a_request_about_an_open_family_goes_to_the_allocated_worker(
    screening_officer, social_worker, camden
):
    child = PersonFactory()
    open_involvement(child, team=social_worker.team, worker=social_worker)
    contact = request_for_information(screening_officer, camden, child=child)
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.assigned_to == social_worker


def test_a_senior_practitioner_authorises_the_written_response_and_meets_the_clock(
    screening_officer, senior_practitioner, camden
):
    contact = request_for_information(screening_officer, camden)
    info.information_response_save(
        contact=contact, by=screening_officer, response="Not known to children's services."
    )
    response = info.information_response_authorise(contact=contact, by=senior_practitioner)
    assert response.authorised_by == senior_practitioner
    assert clock(contact).met_at is not None
    with pytest.raises(ValidationError):
        info.information_response_save(contact=contact, by=screening_officer, response="Changed")


def test_the_writer_cannot_authorise_their_own_response(senior_practitioner, camden):
    contact = request_for_information(senior_practitioner, camden)
    info.information_response_save(contact=contact, by=senior_practitioner, response="Not known.")
    with pytest.raises(ValidationError, match="other than the writer"):
        info.information_response_authorise(contact=contact, by=senior_practitioner)


def test_a_screening_officer_cannot_authorise(screening_officer, camden):
    contact = request_for_information(screening_officer, camden)
    info.information_response_save(contact=contact, by=screening_officer, response="Not known.")
    with pytest.raises(PermissionDenied):
        info.information_response_authorise(contact=contact, by=screening_officer)


def test_the_plain_information_and_advice_record_refuses_a_request_for_information(
    screening_officer, camden
):
    contact = request_for_information(screening_officer, camden)
    with pytest.raises(ValidationError, match="authorised by a senior practitioner"):
        services.contact_complete_information_and_advice(
            contact=contact, by=screening_officer, note="Told them"
        )


def test_the_response_page_writes_then_authorises(
    client, screening_officer, senior_practitioner, camden
):
    contact = request_for_information(screening_officer, camden)
    url = reverse("referrals:information_response", args=[contact.pk])
    client.force_login(screening_officer)
    empty = client.post(url, {"response": ""})
    assert "Enter the response to the request" in empty.content.decode()
    assert client.post(url, {"response": "Not known to us."}).status_code == 302
    assert "Authorise the response" not in client.get(url).content.decode()
    client.force_login(senior_practitioner)
    page = client.get(url).content.decode()
    assert "Not known to us." in page and "Authorise the response" in page
    assert client.post(url, {"action": "authorise"}).status_code == 302
    assert "Authorised response" in client.get(url).content.decode()
    assert clock(contact).met_at is not None
