"""Partner agencies answer their own requests only; submitted answers never change (DOMAIN §6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AgencyKind
from mash import enquiries
from mash.models import AnswerStatus, PartnerAnswer, RequestStatus
from tests.factories import agency_user, partner_requests
from thresholds.models import ClockKind, Deadline

ANSWER = dict(
    information_held="Two call-outs in March.",
    analysis="Escalating domestic abuse; risk to the child.",
    share_with_receiving_service=True,
    share_with_family=False,
)


@pytest.fixture
def requests(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    return partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        question="What do you hold?",
    )


@pytest.fixture
def police_user(requests):
    return agency_user(requests[AgencyKind.POLICE].agency)


@pytest.fixture
def health_user(requests):
    return agency_user(requests[AgencyKind.HEALTH].agency)


def answer(request, user, **changes):
    return enquiries.answer_save_draft(request=request, by=user, **{**ANSWER, **changes})


def submitted(request, user, **changes):
    return enquiries.answer_submit(answer=answer(request, user, **changes), by=user)


def test_health_user_cannot_see_or_answer_polices_request(requests, police_user, health_user):
    police_request = requests[AgencyKind.POLICE]
    assert not health_user.has_perm("mash.view_partnerrequest", police_request)
    assert not health_user.has_perm("mash.change_partnerrequest", police_request)
    with pytest.raises(PermissionDenied):
        answer(police_request, health_user)
    assert health_user.has_perm("mash.change_partnerrequest", requests[AgencyKind.HEALTH])
    assert police_user.has_perm("mash.change_partnerrequest", police_request)
    assert answer(police_request, police_user).version == 1


def test_partner_users_hold_no_model_level_permission(police_user):
    assert not police_user.has_perm("mash.view_partnerrequest")
    assert not police_user.has_perm("mash.view_partneranswer")
    assert not police_user.has_perm("mash.view_enquiry")


def test_mash_staff_cannot_answer_for_an_agency(requests, mash_social_worker, mash_manager):
    for user in (mash_social_worker, mash_manager):
        with pytest.raises(PermissionDenied):
            answer(requests[AgencyKind.POLICE], user)


def test_a_draft_can_be_edited_until_it_is_submitted(requests, police_user):
    request = requests[AgencyKind.POLICE]
    first = answer(request, police_user, information_held="Draft")
    again = answer(request, police_user, information_held="Fuller draft")
    assert again.pk == first.pk and again.version == 1
    assert PartnerAnswer.objects.get(pk=first.pk).information_held == "Fuller draft"
    assert request.answers.count() == 1


def test_submitting_answers_the_request_and_meets_its_clock(requests, police_user):
    request = requests[AgencyKind.POLICE]
    done = submitted(request, police_user)
    request.refresh_from_db()
    assert done.status == AnswerStatus.SUBMITTED and done.submitted_at is not None
    assert request.status == RequestStatus.ANSWERED
    clock = Deadline.objects.get(kind=ClockKind.PARTNER_CHECK, subject_id=request.pk)
    assert clock.met_at is not None
    assert request.current_answer == done


def test_a_submitted_answer_cannot_be_submitted_again(requests, police_user):
    done = submitted(requests[AgencyKind.POLICE], police_user)
    with pytest.raises(ValidationError, match="already been submitted"):
        enquiries.answer_submit(answer=done, by=police_user)


def test_an_empty_answer_cannot_be_submitted(requests, police_user):
    draft = answer(requests[AgencyKind.POLICE], police_user, information_held="", analysis=" ")
    with pytest.raises(ValidationError) as exc:
        enquiries.answer_submit(answer=draft, by=police_user)
    assert set(exc.value.message_dict) == {"information_held", "analysis"}


def test_a_correction_is_version_two_and_leaves_version_one_intact(requests, police_user):
    request = requests[AgencyKind.POLICE]
    first = submitted(request, police_user)
    history_before = list(first.history.values_list("history_id", flat=True))
    correction = answer(request, police_user, information_held="Three call-outs, not two.")
    assert correction.version == 2 and correction.pk != first.pk
    stored = PartnerAnswer.objects.get(pk=first.pk)
    assert stored.information_held == ANSWER["information_held"] and stored.is_submitted
    assert list(stored.history.values_list("history_id", flat=True)) == history_before
    assert stored.history.first().information_held == ANSWER["information_held"]
    enquiries.answer_submit(answer=correction, by=police_user)
    request.refresh_from_db()
    assert request.current_answer.version == 2
    assert request.answers.filter(status=AnswerStatus.SUBMITTED).count() == 2


def test_a_submitted_answer_cannot_be_saved_directly(requests, police_user):
    done = submitted(requests[AgencyKind.POLICE], police_user)
    done.information_held = "Rewritten"
    with pytest.raises(ValueError):
        done.save()


def test_three_agencies_answering_makes_a_mash_record_two_do_not(requests):
    enquiry = requests[AgencyKind.POLICE].enquiry
    kinds = [AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION]
    for kind in kinds[:2]:
        submitted(requests[kind], agency_user(requests[kind].agency))
    # A draft is not information provided.
    answer(requests[AgencyKind.PROBATION], agency_user(requests[AgencyKind.PROBATION].agency))
    assert enquiry.agencies_answered == 2 and not enquiry.is_mash_record
    submitted(requests[kinds[2]], agency_user(requests[kinds[2]].agency))
    assert enquiry.agencies_answered == 3 and enquiry.is_mash_record


def test_partner_checks_are_answered_for_by_the_mash_and_notices_link_to_the_request(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    from accounts.models import Notification, PartnerAgency
    from accounts.roles import Role
    from thresholds.models import ClockKind, Deadline
    from thresholds.services import managers_for

    officer = agency_user(PartnerAgency.objects.get(profile=havering, kind=AgencyKind.POLICE))
    made = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    police = made[AgencyKind.POLICE]
    clock = Deadline.objects.get(kind=ClockKind.PARTNER_CHECK, subject_id=police.pk)
    assert clock.team.kind == "mash" and clock.team.profile == havering
    assert clock.responsible_role == Role.MASH_MANAGER
    assert managers_for(clock) and all(m.has_role(Role.MASH_MANAGER) for m in managers_for(clock))
    notice = Notification.objects.get(user=officer)
    assert notice.url == f"/partner/requests/{police.pk}/"
