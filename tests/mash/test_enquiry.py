"""MASH enquiries: opening, consent and requesting partner checks (DOMAIN §6-§7)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AgencyKind, Notification, PartnerAgency
from mash import enquiries
from mash.models import ConsentDecision, Enquiry, PartnerRequest
from tests.factories import (
    AgencyFactory,
    PersonFactory,
    agency_user,
    closed_involvement,
    complete_contact,
    contact_with_mash,
)
from thresholds.models import ClockKind, Deadline


@pytest.fixture
def red_contact(havering, screening_officer, senior_practitioner):
    return contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering
    )


@pytest.fixture
def enquiry(red_contact, havering, mash_manager, mash_social_worker):
    return enquiries.enquiry_open(
        contact=red_contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )


def enquiry_needing_consent(profile, officer, senior, manager, worker, rag):
    child = PersonFactory()
    if rag == "green":  # previously known to social care: the MASH manager reviews it anyway
        closed_involvement(child, closed_on=timezone.localdate() - dt.timedelta(days=365))
    contact = contact_with_mash(
        officer=officer,
        senior=senior,
        profile=profile,
        rag=rag,
        cp_concerns=False,
        children=[child],
    )
    return enquiries.enquiry_open(contact=contact, by=manager, profile=profile, worker=worker)


def test_mash_manager_opens_an_enquiry_and_the_worker_gets_it(
    enquiry, red_contact, mash_social_worker
):
    assert enquiry.contact == red_contact and enquiry.version == 1
    assert mash_social_worker.has_perm("mash.change_enquiry", enquiry)
    assert mash_social_worker.has_perm("referrals.change_contact", red_contact)
    assert Notification.objects.filter(user=mash_social_worker).exists()


def test_only_a_mash_manager_opens_an_enquiry(red_contact, havering, mash_social_worker):
    with pytest.raises(PermissionDenied):
        enquiries.enquiry_open(contact=red_contact, by=mash_social_worker, profile=havering)


def test_a_contact_not_with_the_mash_cannot_become_an_enquiry(
    havering, screening_officer, mash_manager
):
    draft = complete_contact(by=screening_officer, children=[PersonFactory()])
    with pytest.raises(ValidationError, match="with the MASH manager"):
        enquiries.enquiry_open(contact=draft, by=mash_manager, profile=havering)


def test_the_worker_must_be_a_mash_social_worker(red_contact, havering, mash_manager, outsider):
    with pytest.raises(ValidationError) as exc:
        enquiries.enquiry_open(
            contact=red_contact, by=mash_manager, profile=havering, worker=outsider
        )
    assert "worker" in exc.value.message_dict


def test_reassigning_moves_the_enquiry_to_the_new_worker(enquiry, mash_manager, mash_social_worker):
    from accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(roles=[Role.MASH_SOCIAL_WORKER])
    enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=other)
    enquiry.refresh_from_db()
    assert enquiry.worker == other and enquiry.version == 2
    assert other.has_perm("mash.change_enquiry", enquiry)
    assert not mash_social_worker.has_perm("mash.change_enquiry", enquiry)


def test_worker_records_consent_given(enquiry, mash_social_worker):
    decision = enquiries.enquiry_record_consent(
        enquiry=enquiry, by=mash_social_worker, outcome="sought_given"
    )
    assert enquiry.latest_consent == decision


def test_worker_cannot_override_consent(enquiry, mash_social_worker):
    with pytest.raises(PermissionDenied):
        enquiries.enquiry_record_consent(
            enquiry=enquiry,
            by=mash_social_worker,
            outcome="overridden",
            ground="immediate_danger",
            rationale="Child at risk tonight",
        )


def test_consent_override_needs_a_ground_and_a_rationale(enquiry, mash_manager):
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    with pytest.raises(ValidationError) as exc:
        enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="overridden")
    assert set(exc.value.message_dict) == {"ground", "rationale"}
    decision = enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="not_sought",
        ground="risk_of_harm_or_prejudice_investigation",
        rationale="Police investigation under way",
    )
    assert decision.recorded_by == mash_manager
    assert decision.history.first().history_change_reason == "Consent: Not sought"


@pytest.mark.parametrize("rag", ["green", "amber"])
def test_green_or_child_in_need_contact_cannot_have_consent_set_aside(
    rag, havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    enquiry = enquiry_needing_consent(
        havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker, rag
    )
    assert enquiry.contact.rag == rag
    with pytest.raises(ValidationError, match="Consent must be obtained"):
        enquiries.enquiry_record_consent(
            enquiry=enquiry,
            by=mash_manager,
            outcome="overridden",
            ground="unjustifiable_delay",
            rationale="Quicker",
        )
    assert not ConsentDecision.objects.filter(enquiry=enquiry).exists()


def test_requests_are_refused_before_a_consent_decision(enquiry, havering, mash_social_worker):
    with pytest.raises(ValidationError, match="Record what happened about consent"):
        enquiries.enquiry_request_checks(
            enquiry=enquiry,
            by=mash_social_worker,
            profile=havering,
            agencies=enquiries.default_agencies(havering),
            question="What do you know?",
        )
    assert not PartnerRequest.objects.exists()


def test_refused_consent_blocks_requests_until_a_manager_overrides(
    enquiry, havering, mash_social_worker, mash_manager
):
    enquiries.enquiry_record_consent(
        enquiry=enquiry, by=mash_social_worker, outcome="sought_refused"
    )
    ask = dict(
        enquiry=enquiry,
        by=mash_social_worker,
        profile=havering,
        agencies=enquiries.default_agencies(havering),
        question="What do you know?",
    )
    with pytest.raises(ValidationError, match="refused consent"):
        enquiries.enquiry_request_checks(**ask)
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    assert len(enquiries.enquiry_request_checks(**ask)) == 5


def test_red_contact_requests_checks_from_havering_always_asked_agencies_due_in_four_hours(
    enquiry, havering, camden, mash_social_worker, django_capture_on_commit_callbacks
):
    always = enquiries.default_agencies(havering)
    assert sorted(a.kind for a in always) == sorted(
        [
            AgencyKind.HEALTH,
            AgencyKind.EDUCATION,
            AgencyKind.POLICE,
            AgencyKind.DOMESTIC_ABUSE,
            AgencyKind.PROBATION,
        ]
    )
    asked = {a.kind: agency_user(a) for a in always}
    housing = agency_user(PartnerAgency.objects.get(profile=havering, kind=AgencyKind.HOUSING))
    camden_police = agency_user(PartnerAgency.objects.get(profile=camden, kind=AgencyKind.POLICE))
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_social_worker, outcome="sought_given")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        requests = enquiries.enquiry_request_checks(
            enquiry=enquiry,
            by=mash_social_worker,
            profile=havering,
            agencies=always,
            question="Please share what you hold on the family.",
        )
    assert len(requests) == 5
    for request in requests:
        deadline = Deadline.objects.get(
            kind=ClockKind.PARTNER_CHECK, subject_id=request.pk, met_at__isnull=True
        )
        assert deadline.due_at - deadline.started_at == dt.timedelta(hours=4)
        assert request.agency.name in deadline.description
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in asked.values())
    assert not Notification.objects.filter(user__in=[housing, camden_police]).exists()
    child = enquiry.contact.contact_people.get(role="child").person
    for message in mail.outbox:
        text = message.subject + message.body
        assert child.first_name not in text and child.last_name not in text
        assert enquiry.contact.reference in message.subject
        assert child.case_number in message.subject


def test_asking_again_skips_agencies_already_asked(enquiry, havering, mash_manager):
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_given")
    always = enquiries.default_agencies(havering)
    enquiries.enquiry_request_checks(
        enquiry=enquiry, by=mash_manager, profile=havering, agencies=always[:2], question="Q"
    )
    again = enquiries.enquiry_request_checks(
        enquiry=enquiry, by=mash_manager, profile=havering, agencies=always, question="Q"
    )
    assert len(again) == 3 and enquiry.requests.count() == 5


def test_another_councils_agency_cannot_be_asked(enquiry, havering, mash_manager):
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_given")
    elsewhere = PartnerAgency.objects.exclude(profile=havering).exclude(profile=None).first()
    with pytest.raises(ValidationError) as exc:
        enquiries.enquiry_request_checks(
            enquiry=enquiry, by=mash_manager, profile=havering, agencies=[elsewhere], question="Q"
        )
    assert "agencies" in exc.value.message_dict


def test_a_stale_version_is_refused(enquiry, mash_manager):
    read = enquiry.version
    enquiries.enquiry_touch(enquiry=enquiry, by=mash_manager, version=read, reason="First edit")
    assert Enquiry.objects.get(pk=enquiry.pk).version == read + 1
    with pytest.raises(ValidationError, match="changed since you opened it"):
        enquiries.enquiry_touch(enquiry=enquiry, by=mash_manager, version=read, reason="Second")


def test_new_agencies_get_their_own_group(db):
    agency = AgencyFactory(name="Test youth service", kind=AgencyKind.YOUTH)
    user = agency_user(agency)
    assert agency.group.name == "agency:Test youth service"
    assert user.groups.filter(pk=agency.group.pk).exists()
