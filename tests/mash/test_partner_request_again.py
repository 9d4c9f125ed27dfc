"""After a MASH decision is reopened the worker may ask an agency again (the disagreeing partner
has new information): one request awaiting an answer per agency, but a new one once the earlier
is answered or closed, on its own clock. The earlier request and its answer stay as they were,
and a referral passes on each answer only as that answer agreed."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import OutboundEmail
from mash import enquiries
from mash.access import partner_inbox_requests
from mash.models import InformationShared, PartnerRequest, RequestStatus
from referrals.models import Referral
from tests.mash.records import answer_checks
from tests.mash.reopening import change, decide_again
from thresholds.models import ClockKind, Deadline

ROUND_ONE = "Two call-outs in March."  # the police answer in tests.mash.records.analysed
ROUND_TWO = "A new arrest in May, not to be passed on."


@pytest.fixture
def reopened(disagreed, havering, mash_manager, social_work_team):
    enquiry, disagreement, police_user = disagreed("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering)
    enquiry.refresh_from_db()
    first = PartnerRequest.objects.get(enquiry=enquiry, agency__kind="police")
    return enquiry, first, police_user


def ask_police_again(enquiry, first, worker, profile):
    return enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=worker,
        profile=profile,
        agencies=[first.agency],
        question="The police say they have new information: what is it?",
    )


def refer_again(enquiry, profile, manager, team):
    """The manager decides again, referring to `team`: the new referral."""
    decide_again(
        enquiry=enquiry,
        profile=profile,
        manager=manager,
        next_step="social_work_referral",
        team=team,
    )
    return Referral.objects.get(withdrawn_at__isnull=True)


def test_an_agency_that_answered_is_asked_again_on_a_new_request_with_its_own_clock(
    reopened, havering, mash_social_worker
):
    enquiry, first, police_user = reopened
    first_answer = first.current_answer

    [again] = ask_police_again(enquiry, first, mash_social_worker, havering)

    assert again.pk != first.pk and again.status == RequestStatus.OPEN
    clock = Deadline.objects.open().get(kind=ClockKind.PARTNER_CHECK, subject_id=again.pk)
    assert clock.started_at == again.requested_at and clock.due_at == again.due_at
    first.refresh_from_db()
    assert first.status == RequestStatus.ANSWERED and first.current_answer == first_answer
    # While it is open, asking again makes nothing (and the database refuses a second one).
    assert ask_police_again(enquiry, first, mash_social_worker, havering) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerRequest.objects.create(
            enquiry=enquiry,
            agency=first.agency,
            question="?",
            requested_by=mash_social_worker,
            requested_at=again.requested_at,
        )
    # The partner sees both of its agency's requests, the new one awaiting its answer.
    assert set(partner_inbox_requests(police_user)) >= {first, again}


def test_a_referral_passes_on_each_answer_only_as_that_answer_agreed(
    reopened, havering, mash_manager, mash_social_worker, social_work_team
):
    enquiry, first, police_user = reopened
    [again] = ask_police_again(enquiry, first, mash_social_worker, havering)
    answer_checks(again, police_user, held=ROUND_TWO, share=False)

    referral = refer_again(enquiry, havering, mash_manager, social_work_team)

    [shared] = InformationShared.objects.filter(referral=referral)
    assert shared.answer == first.current_answer
    email = OutboundEmail.objects.filter(purpose="mash_referral").latest("pk")
    assert ROUND_ONE in email.body and ROUND_TWO not in email.body


def test_the_later_answer_is_passed_on_when_only_it_agreed(
    reopened, havering, mash_manager, mash_social_worker, social_work_team
):
    enquiry, first, police_user = reopened
    answer_checks(first, police_user, held="Corrected: nothing to pass on.", share=False)
    [again] = ask_police_again(enquiry, first, mash_social_worker, havering)
    answer_checks(again, police_user, held=ROUND_TWO, share=True)

    referral = refer_again(enquiry, havering, mash_manager, social_work_team)

    assert [s.answer.request for s in InformationShared.objects.filter(referral=referral)] == [
        again
    ]


def test_the_enquiry_page_shows_both_rounds_and_the_checks_page_offers_the_agency_again(
    client, settings, reopened, havering, mash_social_worker
):
    settings.COUNCIL_PROFILE = "havering"
    enquiry, first, police_user = reopened
    client.force_login(mash_social_worker)
    checks_url = reverse("mash:enquiry_checks", args=[enquiry.pk])

    page = client.get(checks_url).content.decode()
    assert f'value="{first.agency.pk}"' in page and "can be asked again" in page
    response = client.post(
        checks_url, {"agencies": [first.agency.pk], "question": "What is the new information?"}
    )
    assert response.status_code == 302
    again = PartnerRequest.objects.get(enquiry=enquiry, agency=first.agency, status="open")
    # While the new request awaits an answer the agency is not offered a third time.
    assert f'value="{first.agency.pk}"' not in client.get(checks_url).content.decode()
    answer_checks(again, police_user, held=ROUND_TWO, share=False)

    page = client.get(reverse("mash:enquiry", args=[enquiry.pk])).content.decode()
    assert "First request" in page and "Asked again (request 2 of 2)" in page
    assert "answer to request 1 of 2" in page and "answer to request 2 of 2" in page
    assert ROUND_ONE in page and ROUND_TWO in page
    assert "requests answered" in page
