"""Partner agency users answer their own requests for checks through their inbox (DOMAIN §6)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog, AgencyKind
from mash.models import AnswerStatus, PartnerAnswer, RequestStatus
from tests.factories import PersonFactory, agency_user, partner_requests

ANSWER = {
    "information_held": "Two call-outs in March.",
    "analysis": "Escalating domestic abuse; risk to the child.",
    "share_with_receiving_service": "yes",
    "share_with_family": "no",
}


@pytest.fixture
def make_requests(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    def make(**contact_fields):
        return partner_requests(
            profile=havering,
            officer=screening_officer,
            senior=senior_practitioner,
            manager=mash_manager,
            worker=mash_social_worker,
            **contact_fields,
        )

    return make


@pytest.fixture
def requests(make_requests):
    child = PersonFactory(first_name="Ada", last_name="Okafor")
    return make_requests(children=[child])


@pytest.fixture
def police_user(requests):
    return agency_user(requests[AgencyKind.POLICE].agency)


@pytest.fixture
def health_user(requests):
    return agency_user(requests[AgencyKind.HEALTH].agency)


def page_url(request) -> str:
    return reverse("mash:partner_request", args=[request.pk])


def test_police_user_sees_polices_request_and_not_healths(client, requests, police_user):
    client.force_login(police_user)
    response = client.get(reverse("mash:partner_inbox"))
    assert response.status_code == 200
    assert page_url(requests[AgencyKind.POLICE]) in response.text
    assert page_url(requests[AgencyKind.HEALTH]) not in response.text
    assert requests[AgencyKind.POLICE].enquiry.contact.reference in response.text
    assert re.search(r"\d+ (day|hour|minute)s?[^<]* left", response.text)  # the clock


def test_health_user_gets_404_on_polices_request(client, requests, health_user):
    client.force_login(health_user)
    assert client.get(page_url(requests[AgencyKind.POLICE])).status_code == 404
    assert client.post(page_url(requests[AgencyKind.POLICE]), ANSWER).status_code == 404
    assert not PartnerAnswer.objects.exists()


def test_mash_social_worker_without_object_permission_gets_404(
    client, requests, mash_social_worker
):
    client.force_login(mash_social_worker)
    assert client.get(page_url(requests[AgencyKind.POLICE])).status_code == 404
    assert client.get(reverse("mash:partner_inbox")).status_code == 403


def test_request_page_shows_the_child_and_question_and_logs_the_read(
    client, requests, police_user, health_user
):
    from mash.enquiries import answer_save_draft, answer_submit

    health = requests[AgencyKind.HEALTH]
    other = answer_save_draft(
        request=health,
        by=health_user,
        information_held="Health secret",
        analysis="Health view",
        share_with_receiving_service=True,
        share_with_family=True,
    )
    answer_submit(answer=other, by=health_user)
    police = requests[AgencyKind.POLICE]
    child = police.enquiry.contact.contact_people.get(role="child").person
    client.force_login(police_user)
    response = client.get(page_url(police))
    assert response.status_code == 200
    assert "Ada Okafor" in response.text
    assert "What do you hold on this family?" in response.text
    assert child.nhs_number[:3] in response.text
    assert "Health secret" not in response.text
    assert "Test rating" not in response.text  # the MASH record's rating rationale
    assert AccessLog.objects.filter(user=police_user, object_id=police.enquiry.contact.pk).exists()


def test_draft_then_submit_through_the_page(client, requests, police_user):
    police = requests[AgencyKind.POLICE]
    client.force_login(police_user)
    response = client.post(
        page_url(police), {**ANSWER, "analysis": "", "share_with_family": "", "action": "draft"}
    )
    assert response.status_code == 302
    draft = police.answers.get()
    assert (
        draft.status == AnswerStatus.DRAFT and draft.information_held == ANSWER["information_held"]
    )
    page = client.get(page_url(police)).text
    assert "Two call-outs in March." in page and "Draft version 1" in page
    response = client.post(page_url(police), {**ANSWER, "action": "submit"})
    assert response.status_code == 302
    answer = police.answers.get()
    assert answer.pk == draft.pk and answer.status == AnswerStatus.SUBMITTED
    assert answer.share_with_receiving_service and not answer.share_with_family
    police.refresh_from_db()
    assert police.status == RequestStatus.ANSWERED


def test_submitted_version_is_read_only_and_a_correction_is_version_two(
    client, requests, police_user
):
    police = requests[AgencyKind.POLICE]
    client.force_login(police_user)
    client.post(page_url(police), {**ANSWER, "action": "submit"})
    page = client.get(page_url(police)).text
    assert "Version 1 (current)" in page and "Correct this answer" in page
    assert "saved as version 2" in page
    corrected = {**ANSWER, "information_held": "Three call-outs, not two.", "action": "draft"}
    assert client.post(page_url(police), corrected).status_code == 302
    first, second = police.answers.order_by("version")
    assert first.is_submitted and first.information_held == ANSWER["information_held"]
    assert second.version == 2 and not second.is_submitted
    client.post(page_url(police), {**corrected, "action": "submit"})
    assert police.answers.filter(status=AnswerStatus.SUBMITTED).count() == 2
    page = client.get(page_url(police)).text
    assert page.index("Version 2 (current)") < page.index("Version 1,")


def test_bad_input_on_submit_keeps_what_was_typed(client, requests, police_user):
    police = requests[AgencyKind.POLICE]
    client.force_login(police_user)
    response = client.post(
        page_url(police),
        {
            "information_held": "Typed text",
            "analysis": "",
            "share_with_family": "no",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Select yes if the information may be shared with the service" in response.text
    assert "Typed text" in response.text
    assert not PartnerAnswer.objects.exists()
    response = client.post(page_url(police), {**ANSWER, "analysis": " ", "action": "submit"})
    assert response.status_code == 200
    assert "Enter your analysis of what the information means for the child" in response.text
    assert "Two call-outs in March." in response.text
    assert police.answers.get().status == AnswerStatus.DRAFT  # the draft is kept


def _inbox_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("mash:partner_inbox"))
    assert response.status_code == 200
    return len(captured), response.text


def test_inbox_runs_the_same_queries_for_one_request_or_ten(client, make_requests):
    first = make_requests()
    client.force_login(agency_user(first[AgencyKind.POLICE].agency))
    _inbox_queries(client)  # warm the session and content type caches
    one, text = _inbox_queries(client)
    assert len(re.findall(r'href="/partner/requests/\d+/"', text)) == 1
    for _ in range(9):
        make_requests()
    ten, text = _inbox_queries(client)
    assert len(re.findall(r'href="/partner/requests/\d+/"', text)) == 10
    assert ten == one
