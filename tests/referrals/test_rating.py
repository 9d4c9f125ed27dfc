"""The initial rating and the routing rules (DOMAIN §5), rule by rule, for each council."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification, OutboundEmail, Team
from accounts.roles import Role
from core.enums import RatingOutcome
from referrals import rating, services
from referrals.models import ContactStatus, Referral, Service
from tests.factories import (
    PersonFactory,
    UserFactory,
    closed_involvement,
    complete_contact,
    open_involvement,
)
from thresholds.models import ClockKind, Deadline

PROFILES = ["camden", "havering", "islington"]


def awaiting_rating(officer, profile, child=None, **fields):
    contact = complete_contact(by=officer, children=[child or PersonFactory()], **fields)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING
    return contact


def rate(contact, by, profile, rag, *, cp=False, outcome=None, **kwargs):
    route = rating.contact_rate(
        contact=contact,
        by=by,
        profile=profile,
        rag=rag,
        level=3,
        cp_concerns=cp,
        rationale="Rationale given",
        outcome=outcome,
        **kwargs,
    )
    contact.refresh_from_db()
    return route


@pytest.fixture
def mash_manager_user(db):
    return UserFactory(username="mm", roles=[Role.MASH_MANAGER])


@pytest.mark.parametrize("code", PROFILES)
def test_red_goes_to_the_mash_manager_with_its_clock(
    request, code, screening_officer, senior_practitioner, mash_manager_user
):
    profile = request.getfixturevalue(code)
    contact = awaiting_rating(screening_officer, profile)
    route = rate(contact, senior_practitioner, profile, "red", outcome="social_work_referral")
    assert route.outcome == RatingOutcome.MASH and route.forced
    assert contact.status == ContactStatus.WITH_MASH and contact.rag == "red"
    clock = Deadline.objects.get(contact=contact, kind=ClockKind.RED_CHECKS)
    hours = {"camden": 4, "havering": 4, "islington": 24}[code]
    assert clock.due_at - clock.started_at == dt.timedelta(hours=hours)
    assert contact.assigned_team.kind == "mash" and contact.assigned_team.profile == profile
    assert Notification.objects.filter(
        user=mash_manager_user, title__contains=contact.reference
    ).exists()


@pytest.mark.parametrize("code", PROFILES)
def test_amber_with_child_protection_concerns_goes_to_the_mash(
    request, code, screening_officer, senior_practitioner
):
    profile = request.getfixturevalue(code)
    contact = awaiting_rating(screening_officer, profile)
    rate(contact, senior_practitioner, profile, "amber", cp=True)
    assert contact.status == ContactStatus.WITH_MASH
    assert Deadline.objects.filter(
        contact=contact, kind=ClockKind.AMBER_CHECKS, met_at__isnull=True
    ).exists()


@pytest.mark.parametrize("code", PROFILES)
def test_amber_child_in_need_is_referred_to_a_social_work_team(
    request, code, screening_officer, senior_practitioner
):
    profile = request.getfixturevalue(code)
    team = Team.objects.filter(profile=profile, kind="social_work").first()
    contact = awaiting_rating(screening_officer, profile)
    rate(
        contact,
        senior_practitioner,
        profile,
        "amber",
        outcome="social_work_referral",
        team=team,
        assessment_type="s47",
    )
    assert contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK and contact.assigned_team == team
    referral = Referral.objects.get(contact=contact)
    assert referral.team == team and referral.assessment_type == "s47"


def test_islington_refers_to_one_of_its_six_area_teams(islington):
    names = set(
        Team.objects.filter(profile=islington, kind="social_work").values_list("name", flat=True)
    )
    assert names == {
        f"{area} CIN Team"
        for area in ("Barnsbury", "Canonbury", "Finsbury", "Highbury", "Holloway", "Hornsey")
    }
    assert Team.objects.filter(profile=islington, kind="disabled_children").exists()


def test_referral_needs_a_team_and_an_assessment_type(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    with pytest.raises(ValidationError) as exc:
        rate(contact, senior_practitioner, camden, "amber", outcome="social_work_referral")
    assert "team" in exc.value.message_dict


def test_camden_sends_an_uncertain_amber_to_the_daily_discussion(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    rate(
        contact,
        senior_practitioner,
        camden,
        "amber",
        outcome="daily_discussion",
        borderline="amber_green",
    )
    assert contact.status == ContactStatus.DAILY_DISCUSSION
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.BORDERLINE).exists()


@pytest.mark.parametrize("code", ["havering", "islington"])
def test_councils_without_a_daily_discussion_cannot_choose_it(
    request, code, screening_officer, senior_practitioner
):
    profile = request.getfixturevalue(code)
    contact = awaiting_rating(screening_officer, profile)
    with pytest.raises(ValidationError) as exc:
        rate(contact, senior_practitioner, profile, "amber", outcome="daily_discussion")
    assert "outcome" in exc.value.message_dict


@pytest.mark.parametrize("code", PROFILES)
def test_green_with_consent_goes_to_the_early_help_duty_manager(
    request, code, screening_officer, senior_practitioner, early_help_manager
):
    profile = request.getfixturevalue(code)
    contact = awaiting_rating(screening_officer, profile)
    rate(contact, senior_practitioner, profile, "green", outcome="early_help")
    assert contact.status == ContactStatus.WITH_EARLY_HELP
    assert contact.assigned_team.kind == "early_help_triage"
    assert early_help_manager.has_perm("referrals.view_contact", contact)
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.GREEN_TO_EARLY_HELP).exists()
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.EARLY_HELP_DECISION).exists()


def test_green_from_a_professional_without_consent_is_held_with_a_reason(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    contact.family_agrees = "no"
    contact.save()
    with pytest.raises(ValidationError) as exc:
        rate(contact, senior_practitioner, camden, "green", outcome="early_help")
    assert "consent" in str(exc.value.message_dict["outcome"])
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING


def test_green_from_a_member_of_the_public_needs_no_consent(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    contact.family_agrees, contact.referral_source, contact.referrer_is_professional = (
        "no",
        "1B",
        False,
    )
    contact.save()
    rate(contact, senior_practitioner, camden, "green", outcome="early_help")
    assert contact.status == ContactStatus.WITH_EARLY_HELP


@pytest.mark.parametrize("code", PROFILES)
def test_previously_known_to_social_care_goes_to_the_mash_whatever_the_rating(
    request, code, screening_officer, senior_practitioner, social_work_team
):
    profile = request.getfixturevalue(code)
    child = PersonFactory()
    closed_involvement(
        child, team=social_work_team, closed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    contact = awaiting_rating(screening_officer, profile, child)
    route = rate(contact, senior_practitioner, profile, "green", outcome="early_help")
    assert route.outcome == RatingOutcome.MASH and "previously known" in route.reason
    assert contact.status == ContactStatus.WITH_MASH


def test_new_contact_on_an_early_help_case_goes_to_mash_screening(
    camden, screening_officer, senior_practitioner, social_worker
):
    child = PersonFactory()
    open_involvement(child, service=Service.EARLY_HELP, worker=social_worker)
    contact = awaiting_rating(screening_officer, camden, child, source="step_up")
    route = rate(contact, senior_practitioner, camden, "green", outcome="early_help")
    assert route.outcome == RatingOutcome.MASH and "step-up" in route.reason


@pytest.mark.parametrize(
    "outcome,status,clock",
    [
        (
            "information_and_advice",
            ContactStatus.INFORMATION_AND_ADVICE,
            ClockKind.INFORMATION_AND_ADVICE,
        ),
        ("no_further_action", ContactStatus.CLOSED_NFA, None),
    ],
)
def test_islington_outcomes_of_a_contact(
    islington, screening_officer, senior_practitioner, outcome, status, clock
):
    contact = awaiting_rating(screening_officer, islington)
    rate(contact, senior_practitioner, islington, "green", outcome=outcome)
    assert contact.status == status
    if clock:
        deadline = Deadline.objects.get(contact=contact, kind=clock)
        assert deadline.responsible == senior_practitioner


def test_camden_does_not_offer_information_and_advice(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    with pytest.raises(ValidationError):
        rate(contact, senior_practitioner, camden, "green", outcome="information_and_advice")


def test_rating_meets_the_contact_record_clock_and_starts_telling_the_referrer(
    havering, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, havering)
    record = Deadline.objects.get(contact=contact, kind=ClockKind.CONTACT_RECORD)
    assert record.due_at - record.started_at == dt.timedelta(hours=24)
    rate(contact, senior_practitioner, havering, "red")
    record.refresh_from_db()
    assert record.met_at is not None
    assert Deadline.objects.filter(
        contact=contact, kind=ClockKind.REFERRER_TOLD, met_at__isnull=True
    ).exists()


def test_phone_cp_referral_from_a_professional_starts_the_written_follow_up_clock(
    camden, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, camden)
    rate(contact, senior_practitioner, camden, "red", cp=True)
    clock = Deadline.objects.get(contact=contact, kind=ClockKind.CP_WRITTEN_FOLLOW_UP)
    assert clock.started_at == contact.received_at
    assert clock.due_at - clock.started_at == dt.timedelta(hours=48)


def test_only_senior_practitioners_rate(camden, screening_officer):
    contact = awaiting_rating(screening_officer, camden)
    with pytest.raises(PermissionDenied):
        rate(contact, screening_officer, camden, "red")


def test_rationale_is_required(camden, screening_officer, senior_practitioner):
    contact = awaiting_rating(screening_officer, camden)
    with pytest.raises(ValidationError):
        rating.contact_rate(
            contact=contact,
            by=senior_practitioner,
            profile=camden,
            rag="red",
            level=4,
            cp_concerns=True,
            rationale=" ",
        )


def test_a_contact_is_rated_once(camden, screening_officer, senior_practitioner):
    contact = awaiting_rating(screening_officer, camden)
    rate(contact, senior_practitioner, camden, "red")
    with pytest.raises(ValidationError):
        rate(contact, senior_practitioner, camden, "red")


@pytest.mark.parametrize("rows", [1, 12])
def test_mash_queue_issues_the_same_number_of_queries_whatever_its_length(
    client,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager_user,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        rate(awaiting_rating(screening_officer, camden), senior_practitioner, camden, "red")
    client.force_login(mash_manager_user)
    from django.urls import reverse

    # The page's enquiries and their workers are two queries after the page is cut. Finding
    # the page is the walk of the clocks (BEGIN, SET LOCAL, the walk, COMMIT: referrals.urgency)
    # and, when the page is not full of contacts with a clock, those without one.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("mash:queue"))
    assert response.content.decode().count("Red: partner checks and decision") == rows


def test_telling_the_referrer_meets_its_clock_once(
    client, camden, screening_officer, senior_practitioner
):
    from django.urls import reverse

    contact = awaiting_rating(screening_officer, camden)
    rate(contact, senior_practitioner, camden, "red", cp=True)
    client.force_login(screening_officer)
    url = reverse("referrals:contact_referrer_told", args=[contact.pk])
    assert "Select how the referrer was told" in client.post(url, {}).content.decode()
    assert (
        client.post(
            url, {"how": "phone", "note": "Told the school it went to the MASH"}
        ).status_code
        == 302
    )
    clock = Deadline.objects.get(contact=contact, kind=ClockKind.REFERRER_TOLD)
    assert clock.met_at is not None
    contact.refresh_from_db()
    assert "Referrer told the outcome by phone" in contact.history.first().history_change_reason
    client.post(url, {"how": "email"})
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.REFERRER_TOLD).count() == 1


def test_written_follow_up_meets_the_48_hour_clock(
    client, camden, screening_officer, senior_practitioner
):
    from django.urls import reverse

    contact = awaiting_rating(screening_officer, camden)
    rate(contact, senior_practitioner, camden, "red", cp=True)
    client.force_login(screening_officer)
    client.post(
        reverse("referrals:contact_written_follow_up", args=[contact.pk]),
        {"note": "Email from the DSL"},
    )
    assert (
        Deadline.objects.get(contact=contact, kind=ClockKind.CP_WRITTEN_FOLLOW_UP).met_at
        is not None
    )


def test_completing_information_and_advice_meets_its_seven_working_day_clock(
    client, islington, screening_officer, senior_practitioner
):
    from django.urls import reverse

    contact = awaiting_rating(screening_officer, islington)
    rate(contact, senior_practitioner, islington, "green", outcome="information_and_advice")
    client.force_login(senior_practitioner)
    url = reverse("referrals:contact_information_and_advice", args=[contact.pk])
    assert "Enter what information and advice" in client.post(url, {"note": ""}).content.decode()
    client.post(url, {"note": "Gave the school the CAF guidance and the Families First number"})
    assert (
        Deadline.objects.get(contact=contact, kind=ClockKind.INFORMATION_AND_ADVICE).met_at
        is not None
    )
    contact.refresh_from_db()
    assert contact.information_and_advice_done_at is not None


def test_a_referral_goes_only_to_the_running_councils_teams(
    islington, screening_officer, senior_practitioner
):
    camden_team = Team.objects.get(name="Children in Need Team A")
    contact = awaiting_rating(screening_officer, islington)
    with pytest.raises(ValidationError) as exc:
        rate(
            contact,
            senior_practitioner,
            islington,
            "amber",
            outcome="social_work_referral",
            team=camden_team,
            assessment_type="cfa",
        )
    assert "not one of" in str(exc.value.message_dict["team"])


def test_an_outcome_the_council_does_not_use_is_refused_with_the_choices(
    havering, screening_officer, senior_practitioner
):
    contact = awaiting_rating(screening_officer, havering)
    with pytest.raises(ValidationError) as exc:
        rate(contact, senior_practitioner, havering, "amber", outcome="daily_discussion")
    assert exc.value.message_dict["outcome"] == [
        "An amber rating can lead to: Referral to a social work team; MASH enquiry (MASH manager); No further action"
    ]


def test_a_referral_from_the_front_door_is_emailed_to_the_teams_duty_address(
    screening_officer, senior_practitioner, camden
):
    team = Team.objects.filter(profile=camden, kind="social_work").order_by("pk").first()
    team.duty_email = "duty-north@example.org"
    team.save()
    contact = awaiting_rating(screening_officer, camden)
    rate(
        contact,
        senior_practitioner,
        camden,
        "amber",
        outcome="social_work_referral",
        team=team,
        assessment_type="cfa",
        primary_need="N1",
    )
    (email,) = OutboundEmail.objects.filter(purpose="screening_referral")
    assert email.to == "duty-north@example.org"
    assert email.subject.startswith(f"Referral: contact {contact.reference}, case ")
    assert f"to {team.name}" in email.body and "Amber" in email.body
    for person in contact.contact_people.select_related("person"):
        assert person.person.last_name not in email.subject + email.body


def test_a_team_without_a_duty_address_is_named_so_in_the_rating_form(
    client, screening_officer, senior_practitioner, camden
):
    team = Team.objects.filter(profile=camden, kind="social_work").order_by("pk").first()
    team.duty_email = ""
    team.save()
    contact = awaiting_rating(screening_officer, camden)
    client.force_login(senior_practitioner)
    page = client.get(f"/contacts/{contact.pk}/rate/").content.decode()
    assert f"{team.name} (no duty email address)" in page
