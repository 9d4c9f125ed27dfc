"""The analysis and decision pages, the referral on and who may read what was passed on."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AgencyKind, TeamKind
from accounts.roles import Role
from mash import enquiries
from mash.models import EnquiryStatus
from tests.factories import PersonFactory, TeamFactory, UserFactory, agency_user, partner_requests

SHARED = "Police attended twice in March after neighbours heard shouting."
SECRET = "Confidential clinic attendance known only to health."


@pytest.fixture(autouse=True)
def runs_as_havering(settings):
    settings.COUNCIL_PROFILE = "havering"


@pytest.fixture
def receiving_team(havering):
    team = TeamFactory(
        name="Havering test assessment team",
        kind=TeamKind.SOCIAL_WORK,
        duty_email="duty@example.org",
    )
    team.profile = havering  # offered on the decision form, which lists the profile's teams
    team.save()
    return team


@pytest.fixture
def requests(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    child = PersonFactory(first_name="Zebedee", last_name="Quillfeather")
    made = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        children=[child],
    )
    answers = {
        AgencyKind.POLICE: (SHARED, True),
        AgencyKind.HEALTH: (SECRET, False),
        AgencyKind.EDUCATION: ("Attendance 71% this term.", True),
    }
    for kind, (text, share) in answers.items():
        request = made[kind]
        user = agency_user(request.agency)
        draft = enquiries.answer_save_draft(
            request=request,
            by=user,
            information_held=text,
            analysis="Adds to the picture of risk.",
            share_with_receiving_service=share,
            share_with_family=False,
        )
        enquiries.answer_submit(answer=draft, by=user)
    return made


@pytest.fixture
def enquiry(requests):
    enquiry = requests[AgencyKind.POLICE].enquiry
    enquiry.refresh_from_db()
    return enquiry


def url(name, enquiry):
    return reverse(f"mash:{name}", args=[enquiry.pk])


ANALYSIS = {
    "summary": "Police, health and education hold information.",
    "analysis": "Escalating domestic abuse with a baby in the home.",
    "recommended_level": "4",
    "recommended_action": "Strategy discussion.",
}


def decision(enquiry, receiving_team, **changes):
    return {
        "version": enquiry.version,
        "final_rag": "red",
        "final_rationale": "Risk of significant harm.",
        "next_step": "social_work_referral",
        "team": receiving_team.pk,
        "assessment_type": "cfa",
        "primary_need": "N1",
        **changes,
    }


def test_three_agencies_answering_make_the_enquiry_a_mash_record(
    client, enquiry, mash_social_worker
):
    client.force_login(mash_social_worker)
    page = client.get(url("enquiry", enquiry)).content.decode()
    assert "MASH record" in page
    assert "3 of 5 agencies answered" in page
    assert "Not to be shared with the receiving service" in page
    contact_page = client.get(enquiry.contact.get_absolute_url()).content.decode()
    assert "A MASH record: three or more agencies have given information." in contact_page


def test_worker_records_the_analysis_then_the_manager_refers_on(
    client,
    enquiry,
    mash_social_worker,
    mash_manager,
    receiving_team,
    django_capture_on_commit_callbacks,
):
    client.force_login(mash_social_worker)
    response = client.post(
        url("enquiry_analysis", enquiry), {"version": enquiry.version, **ANALYSIS}
    )
    assert response.status_code == 302, response.context["form"].errors
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANALYSED

    client.force_login(mash_manager)
    form_page = client.get(url("enquiry_decide", enquiry)).content.decode()
    assert "Escalating domestic abuse with a baby in the home." in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("enquiry_decide", enquiry), decision(enquiry, receiving_team))
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(response.url).content.decode()
    assert "Referred to Havering test assessment team" in page
    assert "Held back: the agency did not agree to share it" in page
    [email] = [m for m in mail.outbox if "duty@example.org" in m.to]
    assert SHARED in email.body
    assert SECRET not in email.body
    assert "Zebedee" not in email.subject + email.body
    assert "Quillfeather" not in email.subject + email.body


def test_a_manager_deciding_after_another_is_told_who_decided_and_keeps_nothing_lost(
    client, enquiry, mash_social_worker, mash_manager, receiving_team
):
    enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="s",
        analysis="a",
        recommended_level=4,
        recommended_action="r",
    )
    enquiry.refresh_from_db()
    other_manager = UserFactory(roles=[Role.MASH_MANAGER], first_name="Olu", last_name="Adeyemi")
    stale = decision(enquiry, receiving_team, final_rationale="My own careful rationale.")
    client.force_login(other_manager)
    first = client.post(url("enquiry_decide", enquiry), decision(enquiry, receiving_team))
    assert first.status_code == 302

    client.force_login(mash_manager)
    response = client.post(url("enquiry_decide", enquiry), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Olu Adeyemi decided this enquiry" in page
    assert "My own careful rationale." in page
    enquiry.refresh_from_db()
    assert enquiry.final_rationale == "Risk of significant harm."


def test_an_analysis_saved_over_a_newer_one_keeps_the_typing_and_shows_the_change(
    client, enquiry, mash_social_worker, mash_manager
):
    version = enquiry.version
    enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_manager,
        version=version,
        summary="The manager's summary.",
        analysis="a",
        recommended_level=3,
        recommended_action="r",
    )
    client.force_login(mash_social_worker)
    response = client.post(
        url("enquiry_analysis", enquiry),
        {**ANALYSIS, "version": version, "summary": "The worker's summary."},
    )
    page = response.content.decode()
    assert "This enquiry changed while you were working on it" in page
    assert "The worker&#x27;s summary." in page
    # Having seen the change, a second submission saves deliberately.
    assert response.context["form"].data["version"] == version + 1


def test_deciding_before_the_analysis_says_the_analysis_comes_first(
    client, enquiry, mash_manager, receiving_team
):
    client.force_login(mash_manager)
    response = client.post(url("enquiry_decide", enquiry), decision(enquiry, receiving_team))
    assert "analysis and recommendation must be recorded first" in response.content.decode()


def test_a_referral_without_a_team_is_refused_next_to_the_team_field(
    client, enquiry, mash_social_worker, mash_manager, receiving_team
):
    enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="s",
        analysis="a",
        recommended_level=4,
        recommended_action="r",
    )
    enquiry.refresh_from_db()
    client.force_login(mash_manager)
    response = client.post(
        url("enquiry_decide", enquiry), decision(enquiry, receiving_team, team="")
    )
    page = response.content.decode()
    assert "Select the social work team the contact is referred to" in page
    assert "Risk of significant harm." in page


@pytest.fixture
def referred(enquiry, havering, mash_social_worker, mash_manager, receiving_team):
    enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="s",
        analysis="a",
        recommended_level=4,
        recommended_action="r",
    )
    enquiry.refresh_from_db()
    enquiries.enquiry_decide(
        enquiry=enquiry,
        by=mash_manager,
        version=enquiry.version,
        profile=havering,
        final_rag="red",
        final_rationale="Risk of significant harm.",
        next_step="social_work_referral",
        team=receiving_team,
        assessment_type="cfa",
    )
    return enquiry.contact


def test_the_receiving_team_reads_only_what_the_agencies_agreed_to_share(
    client, referred, receiving_team
):
    member = UserFactory(roles=[Role.TEAM_MANAGER], team=receiving_team)
    client.force_login(member)
    page = client.get(referred.get_absolute_url()).content.decode()
    assert SHARED in page
    assert SECRET not in page
    assert "Open the MASH enquiry" not in page


def test_front_door_staff_outside_the_mash_see_no_partner_information(
    client, referred, screening_officer, early_help_manager, partner_user
):
    client.force_login(screening_officer)
    page = client.get(referred.get_absolute_url()).content.decode()
    assert SHARED not in page
    assert SECRET not in page
    enquiry_url = url("enquiry", referred.enquiry)
    for user in (screening_officer, early_help_manager, partner_user):
        client.force_login(user)
        assert client.get(enquiry_url).status_code == 404
