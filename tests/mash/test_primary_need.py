"""The CIN census primary need is given wherever a contact is referred to a social work team:
the initial rating, the daily discussion and the MASH manager's decision."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import TeamKind
from mash import enquiries, services
from referrals import rating
from referrals import services as contacts
from referrals.models import CinEpisode, ContactStatus
from tests.factories import PersonFactory, TeamFactory, complete_contact, partner_requests
from tests.mash.test_daily_discussion import for_discussion


@pytest.fixture
def team(db):
    return TeamFactory(name="Primary need test team", kind=TeamKind.SOCIAL_WORK)


def _awaiting_rating(officer, profile, children):
    contact = complete_contact(by=officer, children=children)
    contacts.contact_submit(contact=contact, by=officer, profile=profile)
    contacts.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    return contact


def _rate(contact, senior, profile, team, primary_need):
    return rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Child in need",
        outcome="social_work_referral",
        team=team,
        assessment_type="cfa",
        primary_need=primary_need,
    )


def test_a_referral_at_the_initial_rating_opens_an_episode_per_child_with_the_need(
    camden, screening_officer, senior_practitioner, team
):
    children = [PersonFactory(), PersonFactory()]
    contact = _awaiting_rating(screening_officer, camden, children)

    _rate(contact, senior_practitioner, camden, team, "N3")

    episodes = CinEpisode.objects.filter(referral__contact=contact)
    assert sorted(e.person_id for e in episodes) == sorted(c.pk for c in children)
    assert {e.primary_need for e in episodes} == {"N3"}


@pytest.mark.parametrize("need,message", [("", "primary need"), ("N11", "from the list")])
def test_a_referral_without_a_valid_primary_need_is_refused_and_nothing_moves(
    camden, screening_officer, senior_practitioner, team, need, message
):
    contact = _awaiting_rating(screening_officer, camden, [PersonFactory()])

    with pytest.raises(ValidationError) as raised:
        _rate(contact, senior_practitioner, camden, team, need)

    assert message in raised.value.message_dict["primary_need"][0]
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING
    assert not CinEpisode.objects.filter(referral__contact=contact).exists()


def test_the_rating_page_asks_for_the_need_and_keeps_the_answers(
    client, camden, screening_officer, senior_practitioner, team
):
    team.profile = camden
    team.save()
    contact = _awaiting_rating(screening_officer, camden, [PersonFactory()])
    client.force_login(senior_practitioner)
    url = reverse("referrals:contact_rate", args=[contact.pk])
    assert "Primary need (for a referral)" in client.get(url).content.decode()
    answers = {
        "rag": "amber",
        "level": "3",
        "cp_concerns": "no",
        "outcome": "social_work_referral",
        "team": team.pk,
        "assessment_type": "cfa",
        "rationale": "Kept rationale",
    }

    refused = client.post(url, answers).content.decode()
    assert 'href="#id_primary_need"' in refused and "Kept rationale" in refused

    assert client.post(url, {**answers, "primary_need": "N5"}).status_code == 302
    assert CinEpisode.objects.get(referral__contact=contact).primary_need == "N5"


def test_the_daily_discussion_records_the_need_with_its_referral(
    client, camden, screening_officer, senior_practitioner, mash_manager, team
):
    team.profile = camden
    team.save()
    item = for_discussion(screening_officer, senior_practitioner, camden)
    services.discussion_record_attendees(
        discussion=item.discussion, by=mash_manager, attendees=[mash_manager], other_attendees=""
    )
    client.force_login(mash_manager)
    url = reverse("mash:discussion_decide", args=[item.pk])
    answers = {
        "outcome": "social_work_referral",
        "team": team.pk,
        "assessment_type": "cfa",
        "rationale": "Needs an assessment",
    }

    refused = client.post(url, answers)
    assert refused.status_code == 200 and "primary need" in refused.content.decode()

    assert client.post(url, {**answers, "primary_need": "N8"}).status_code == 302
    assert CinEpisode.objects.get(referral__contact=item.contact).primary_need == "N8"


def test_the_mash_managers_strategy_discussion_records_the_need(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker, team
):
    requests = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    enquiry = next(iter(requests.values())).enquiry
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Police hold information.",
        analysis="Escalating risk.",
        recommended_level=4,
        recommended_action="Strategy discussion.",
    )
    decision = {
        "enquiry": enquiry,
        "by": mash_manager,
        "profile": havering,
        "final_rag": "red",
        "final_rationale": "Risk of significant harm.",
        "next_step": "strategy_discussion",
        "team": team,
    }
    with pytest.raises(ValidationError) as raised:
        enquiries.enquiry_decide(version=enquiry.version, primary_need="", **decision)
    assert "primary_need" in raised.value.message_dict

    enquiries.enquiry_decide(version=enquiry.version, primary_need="N1", **decision)

    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)
    assert episode.primary_need == "N1" and episode.referral.created_by == mash_manager
