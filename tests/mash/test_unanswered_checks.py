"""Partner checks left unanswered at the MASH decision are closed: they never breach, and
the partner sees them as no longer needed and can no longer answer them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgencyKind, Notification
from mash import enquiries
from mash.models import PartnerAnswer, RequestStatus
from mash.selectors import enquiry_requests
from tests.factories import agency_user, partner_requests
from thresholds import services as clocks
from thresholds.models import ClockKind, Deadline

ANSWER = {
    "information_held": "Two call-outs in March.",
    "analysis": "Escalating domestic abuse; risk to the child.",
    "share_with_receiving_service": "yes",
    "share_with_family": "no",
}


@pytest.fixture
def requests(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    """Police answered; health has a draft but never submits it."""
    made = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    police = made[AgencyKind.POLICE]
    user = agency_user(police.agency)
    fields = {**ANSWER, "share_with_receiving_service": True, "share_with_family": False}
    draft = enquiries.answer_save_draft(request=police, by=user, **fields)
    enquiries.answer_submit(answer=draft, by=user)
    return made


@pytest.fixture
def health_user(requests):
    return agency_user(requests[AgencyKind.HEALTH].agency)


def decide(request, *, worker, manager, profile):
    enquiry = request.enquiry
    enquiry.refresh_from_db()
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=worker,
        version=enquiry.version,
        summary="Police hold information.",
        analysis="No role for children's social care.",
        recommended_level=2,
        recommended_action="No further action.",
    )
    return enquiries.enquiry_decide(
        enquiry=enquiry,
        by=manager,
        version=enquiry.version,
        profile=profile,
        final_rag="green",
        final_rationale="Needs met by universal services.",
        next_step="no_further_action",
    )


@pytest.fixture
def decided(requests, havering, mash_social_worker, mash_manager):
    return decide(
        requests[AgencyKind.HEALTH],
        worker=mash_social_worker,
        manager=mash_manager,
        profile=havering,
    )


def check_clock(request) -> Deadline:
    return Deadline.objects.get(kind=ClockKind.PARTNER_CHECK, subject_id=request.pk)


def test_an_unanswered_check_left_at_the_decision_never_breaches_and_the_partner_sees_it_closed(
    client, requests, decided, health_user
):
    health, police = requests[AgencyKind.HEALTH], requests[AgencyKind.POLICE]
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        clocks.deadline_sweep()
    clock = check_clock(health)
    assert clock.breached_at is None and clock.met_at is None and clock.closed_at is not None
    assert not Notification.objects.filter(
        title__startswith="Overdue", title__contains=ClockKind.PARTNER_CHECK.label
    ).exists()
    health.refresh_from_db()
    police.refresh_from_db()
    assert (health.status, police.status) == (RequestStatus.CLOSED, RequestStatus.ANSWERED)
    assert health.history.first().history_change_reason.startswith("No longer needed")

    client.force_login(health_user)
    inbox = client.get(reverse("mash:partner_inbox")).content.decode()
    assert "No longer needed" in inbox and "Awaiting an answer" not in inbox
    page = client.get(reverse("mash:partner_request", args=[health.pk])).content.decode()
    assert "No longer needed" in page and "The MASH made its decision before" in page
    assert "Submit answer" not in page and "Awaiting an answer" not in page


def test_an_answer_can_no_longer_be_posted_to_a_closed_request(
    client, requests, decided, health_user
):
    health = requests[AgencyKind.HEALTH]
    client.force_login(health_user)
    url = reverse("mash:partner_request", args=[health.pk])
    response = client.post(url, {**ANSWER, "action": "submit"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert enquiries.REQUEST_CLOSED in response.content.decode()
    assert not PartnerAnswer.objects.filter(request=health).exists()


def test_a_draft_saved_before_the_decision_cannot_be_submitted_after_it(
    requests, health_user, havering, mash_social_worker, mash_manager
):
    health = requests[AgencyKind.HEALTH]
    fields = {**ANSWER, "share_with_receiving_service": False, "share_with_family": False}
    draft = enquiries.answer_save_draft(request=health, by=health_user, **fields)
    decide(health, worker=mash_social_worker, manager=mash_manager, profile=havering)
    with pytest.raises(ValidationError, match="no longer needed"):
        enquiries.answer_submit(answer=draft, by=health_user)
    with pytest.raises(ValidationError, match="no longer needed"):
        enquiries.answer_save_draft(request=health, by=health_user, **fields)


def test_the_agency_is_told_in_the_service_and_the_mash_sees_no_longer_needed(
    requests, health_user, decided
):
    health = requests[AgencyKind.HEALTH]
    told = Notification.objects.get(user=health_user)
    assert "no longer needed" in told.title and told.url.endswith(f"/{health.pk}/")
    html = render_to_string(
        "mash/enquiry/includes/_answers.html",
        {"requests": enquiry_requests(decided), "answered": 1},
    )
    unanswered = len(requests) - 1  # all but the police
    assert html.count("No longer needed") == 2 * unanswered  # each one's clock and status
    assert "Awaiting an answer" not in html
