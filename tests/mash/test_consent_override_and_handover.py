"""'Refusal overridden' only after consent was sought and refused; and a MASH referral to a
team with no duty email address is never sent nowhere (issue 12)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboundEmail
from accounts.roles import Role
from mash import enquiries
from mash.models import ConsentDecision, EnquiryStatus, HandoverMethod, ReferralHandover
from tests.factories import TeamFactory, UserFactory
from tests.mash.records import checks_requested, decided, mash_contact


@pytest.fixture
def enquiry(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    contact = mash_contact(officer=screening_officer, senior=senior_practitioner, profile=havering)
    return enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )


OVERRIDE = {"ground": "immediate_danger", "rationale": "Child at immediate risk"}


@pytest.mark.parametrize("before", [None, "sought_given", "not_sought"])
def test_a_refusal_cannot_be_overridden_unless_consent_was_sought_and_refused(
    enquiry, mash_manager, before
):
    if before == "not_sought":
        enquiries.enquiry_record_consent(
            enquiry=enquiry, by=mash_manager, outcome=before, **OVERRIDE
        )
    elif before:
        enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome=before)
    with pytest.raises(ValidationError) as raised:
        enquiries.enquiry_record_consent(
            enquiry=enquiry, by=mash_manager, outcome="overridden", **OVERRIDE
        )
    assert raised.value.message_dict["outcome"] == [enquiries.NO_REFUSAL_TO_OVERRIDE]


def test_a_recorded_refusal_can_be_overridden(enquiry, mash_manager, mash_social_worker):
    enquiries.enquiry_record_consent(
        enquiry=enquiry, by=mash_social_worker, outcome="sought_refused"
    )
    decision = enquiries.enquiry_record_consent(
        enquiry=enquiry, by=mash_manager, outcome="overridden", **OVERRIDE
    )
    assert decision.outcome == "overridden"


def test_the_consent_page_refuses_an_override_without_a_refusal_in_govuk_words(
    client, enquiry, mash_manager
):
    client.force_login(mash_manager)
    response = client.post(
        reverse("mash:enquiry_consent", args=[enquiry.pk]),
        {"outcome": "overridden", **OVERRIDE},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "You can only override a refusal when consent was sought and refused" in page
    assert 'href="#id_outcome' in page
    assert "Child at immediate risk" in page  # what was typed is kept
    assert not ConsentDecision.objects.exists()


# --- Referral on to a team with no duty email address -----------------------------------------


@pytest.fixture
def no_duty_team(havering):
    team = TeamFactory(name="Disabled children without duty email", duty_email="")
    team.profile = havering  # offered on the decision form, which lists the profile's teams
    team.save()
    return team


@pytest.fixture
def team_lead(no_duty_team):
    return UserFactory(
        username="lead", roles=[Role.TEAM_MANAGER], team=no_duty_team, email="lead@example.org"
    )


@pytest.fixture
def analysed(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    contact = mash_contact(officer=screening_officer, senior=senior_practitioner, profile=havering)
    enquiry, _ = checks_requested(
        contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
    )
    return enquiry


def decide_to(enquiry, team, havering, mash_manager, mash_social_worker, handover=None):
    return decided(
        enquiry=enquiry,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        team=team,
        handover=handover,
    )[0]


def test_a_referral_to_a_team_without_a_duty_email_is_refused_with_what_to_do(
    analysed, no_duty_team, havering, mash_manager, mash_social_worker
):
    with pytest.raises(ValidationError) as raised:
        decide_to(analysed, no_duty_team, havering, mash_manager, mash_social_worker)
    message = raised.value.message_dict["handover_method"][0]
    assert "has no duty email address" in message and "team managers" in message
    analysed.refresh_from_db()
    assert analysed.status != EnquiryStatus.DECIDED
    assert not OutboundEmail.objects.filter(purpose="mash_referral").exists()


def test_the_manager_can_send_it_to_the_team_managers_address(
    analysed, no_duty_team, team_lead, havering, mash_manager, mash_social_worker
):
    handover = enquiries.Handover(method=HandoverMethod.TEAM_MANAGER_EMAIL, team_manager=team_lead)
    enquiry = decide_to(
        analysed, no_duty_team, havering, mash_manager, mash_social_worker, handover
    )
    assert enquiry.status == EnquiryStatus.DECIDED
    email = OutboundEmail.objects.get(purpose="mash_referral")
    assert email.to == "lead@example.org"
    row = ReferralHandover.objects.get()
    assert row.team_manager == team_lead and row.recorded_by == mash_manager


def test_someone_not_a_manager_of_the_team_cannot_be_chosen(
    analysed, no_duty_team, havering, mash_manager, mash_social_worker, team_manager
):
    handover = enquiries.Handover(
        method=HandoverMethod.TEAM_MANAGER_EMAIL, team_manager=team_manager
    )
    with pytest.raises(ValidationError) as raised:
        decide_to(analysed, no_duty_team, havering, mash_manager, mash_social_worker, handover)
    assert "team_manager" in raised.value.message_dict


def test_a_recorded_handover_says_who_when_and_how_and_sends_no_email(
    analysed, no_duty_team, havering, mash_manager, mash_social_worker
):
    with pytest.raises(ValidationError) as raised:
        decide_to(
            analysed,
            no_duty_team,
            havering,
            mash_manager,
            mash_social_worker,
            enquiries.Handover(method=HandoverMethod.RECORDED_HANDOVER),
        )
    assert set(raised.value.message_dict) == {"handed_to", "handed_over_at", "how"}
    at = timezone.now() - dt.timedelta(minutes=10)
    handover = enquiries.Handover(
        method=HandoverMethod.RECORDED_HANDOVER,
        handed_to="Jo Bloggs, duty social worker",
        handed_over_at=at,
        how="By phone",
    )
    analysed.refresh_from_db()
    enquiry = decide_to(
        analysed, no_duty_team, havering, mash_manager, mash_social_worker, handover
    )
    assert enquiry.status == EnquiryStatus.DECIDED
    row = ReferralHandover.objects.get()
    assert (row.handed_to, row.how, row.handed_over_at) == (
        "Jo Bloggs, duty social worker",
        "By phone",
        at,
    )
    assert not OutboundEmail.objects.filter(purpose="mash_referral").exists()
    assert row.history.first().history_change_reason.endswith("recorded")


def test_the_decision_page_asks_how_the_referral_reaches_a_team_without_a_duty_email(
    client, settings, analysed, no_duty_team, team_lead, havering, mash_manager, mash_social_worker
):
    settings.COUNCIL_PROFILE = "havering"
    enquiries.enquiry_record_analysis(
        enquiry=analysed,
        by=mash_social_worker,
        version=analysed.version,
        summary="Police hold information.",
        analysis="Risk.",
        recommended_level=4,
        recommended_action="Refer.",
    )
    analysed.refresh_from_db()
    client.force_login(mash_manager)
    url = reverse("mash:enquiry_decide", args=[analysed.pk])
    assert "(no duty email address)" in client.get(url).content.decode()
    data = {
        "version": analysed.version,
        "final_rag": "red",
        "final_rationale": "Risk of significant harm.",
        "next_step": "social_work_referral",
        "team": no_duty_team.pk,
        "assessment_type": "cfa",
        "primary_need": "N1",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "has no duty email address" in page
    assert "Email it to a team manager" in page and "lead@example.org" in page
    response = client.post(
        url,
        {
            **data,
            "handover_method": "recorded_handover",
            "handed_to": "Jo Bloggs",
            "handed_over_at_0": "1",
            "handed_over_at_1": "1",
            "handed_over_at_2": "2026",
            "handed_over_time": "10:00",
            "how": "By phone",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(response.url).content.decode()
    assert "Handed over to" in page and "Jo Bloggs" in page
