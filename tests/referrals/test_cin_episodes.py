"""The receiving team records each referred child's census episode (referrals.cin.episode_update)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamKind
from accounts.roles import Role
from mash import services as mash_services
from referrals import cin, rating, services
from referrals.models import CinEpisode
from tests.factories import PersonFactory, TeamFactory, UserFactory, complete_contact

REFERRED = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def episode(camden, screening_officer, senior_practitioner, social_work_team):
    """A child referred to the children in need team by the senior practitioner on 5 October."""
    with time_machine.travel(REFERRED, tick=False):
        contact = complete_contact(by=screening_officer, children=[PersonFactory()])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
        services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
        rating.contact_rate(
            contact=contact,
            by=senior_practitioner,
            profile=camden,
            rag="amber",
            level=3,
            cp_concerns=False,
            rationale="Child in need",
            outcome="social_work_referral",
            team=social_work_team,
            assessment_type="cfa",
            primary_need="N4",
        )
    return CinEpisode.objects.get(referral__contact=contact)


def _page(episode):
    return reverse(
        "referrals:contact_census_episode", args=[episode.referral.contact_id, episode.pk]
    )


def test_the_primary_need_given_at_the_referral_is_on_the_childs_episode(episode):
    assert (episode.primary_need, episode.referral_date) == ("N4", dt.date(2026, 10, 5))


def test_the_receiving_team_records_the_assessment_and_closure_with_history(episode, team_manager):
    cin.episode_update(
        episode=episode,
        by=team_manager,
        reason="Assessment finished",
        version=episode.version,
        assessment_started_on=dt.date(2026, 10, 6),
        assessment_authorised_on=dt.date(2026, 10, 20),
        closed_on=dt.date(2026, 10, 21),
        closure_reason="RC8",
    )

    episode.refresh_from_db()
    assert (episode.closure_reason, episode.version) == ("RC8", 2)
    last = episode.history.first()
    assert (last.history_user, last.history_change_reason) == (team_manager, "Assessment finished")


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"primary_need": ""}, "primary_need"),
        ({"assessment_started_on": dt.date(2026, 10, 1)}, "assessment_started_on"),
        ({"closed_on": dt.date(2026, 10, 21)}, "closure_reason"),
        ({"nfa": True, "assessment_started_on": dt.date(2026, 10, 6)}, "nfa"),
        ({"closed_on": dt.date(2099, 1, 1), "closure_reason": "RC7"}, "closed_on"),
        ({"closure_reason": "RC9", "closed_on": dt.date(2026, 10, 6)}, "closure_reason"),
    ],
)
def test_census_details_that_break_the_rules_are_refused_naming_the_field(
    episode, team_manager, fields, field
):
    with pytest.raises(ValidationError) as raised:
        cin.episode_update(episode=episode, by=team_manager, reason="x", **fields)

    assert field in raised.value.message_dict
    episode.refresh_from_db()
    assert episode.version == 1


def test_a_stale_version_is_refused(episode, team_manager, social_worker):
    opened = episode.version
    cin.episode_update(episode=episode, by=social_worker, reason="x", primary_need="N1")

    with pytest.raises(ValidationError) as raised:
        cin.episode_update(
            episode=episode, by=team_manager, reason="y", version=opened, primary_need="N5"
        )

    assert raised.value.code == cin.STALE
    episode.refresh_from_db()
    assert episode.primary_need == "N1"


def test_mash_staff_who_did_not_refer_and_other_teams_may_not_change_it(
    episode, mash_social_worker, mash_manager, outsider
):
    other_team = TeamFactory(name="Another team", kind=TeamKind.SOCIAL_WORK)
    other_manager = UserFactory(roles=[Role.TEAM_MANAGER], team=other_team)
    for user in (mash_social_worker, mash_manager, other_manager, outsider):
        assert not cin.may_change_episode(user, episode)
        with pytest.raises(PermissionDenied):
            cin.episode_update(episode=episode, by=user, reason="x", primary_need="N1")


def test_the_worker_who_referred_may_correct_the_need_they_gave(episode, senior_practitioner):
    cin.episode_update(episode=episode, by=senior_practitioner, reason="x", primary_need="N5")

    episode.refresh_from_db()
    assert episode.primary_need == "N5"


def test_the_mash_manager_who_referred_may_change_it_without_holding_the_contact(
    camden, screening_officer, senior_practitioner, mash_manager, social_work_team
):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Unclear trajectory",
        outcome="daily_discussion",
        borderline="amber_green",
    )
    item = contact.discussion_items.get()
    mash_services.discussion_record_attendees(
        discussion=item.discussion, by=mash_manager, attendees=[mash_manager], other_attendees=""
    )
    mash_services.discussion_decide(
        item=item,
        by=mash_manager,
        profile=camden,
        outcome="social_work_referral",
        rationale="Child in need",
        team=social_work_team,
        assessment_type="cfa",
        primary_need="N4",
    )
    episode = CinEpisode.objects.get(referral__contact=contact)
    assert not mash_manager.has_perm("referrals.change_contact", contact)

    cin.episode_update(episode=episode, by=mash_manager, reason="x", primary_need="N1")

    episode.refresh_from_db()
    assert episode.primary_need == "N1"


def test_the_contact_page_shows_the_census_with_a_change_link_for_the_team(
    client, episode, team_manager, mash_social_worker
):
    url = episode.referral.contact.get_absolute_url()
    client.force_login(team_manager)
    page = client.get(url).content.decode()
    assert "Children in need census" in page and "N4: family in acute stress" in page
    assert _page(episode) in page

    client.force_login(mash_social_worker)
    read_only = client.get(url).content.decode()
    assert "Children in need census" in read_only and _page(episode) not in read_only


def test_the_change_page_saves_and_returns_to_the_contact(client, episode, team_manager):
    client.force_login(team_manager)
    today = timezone.localdate()

    response = client.post(
        _page(episode),
        {
            "version": episode.version,
            "primary_need": "N1",
            "nfa": "no",
            "assessment_started_on_0": "6",
            "assessment_started_on_1": "10",
            "assessment_started_on_2": "2026",
        },
    )

    assert response.status_code == 302
    assert response.url.endswith("#census")
    episode.refresh_from_db()
    assert (episode.primary_need, episode.assessment_started_on) == ("N1", dt.date(2026, 10, 6))
    assert episode.assessment_started_on <= today


@pytest.mark.parametrize(
    "day,month,year",
    [("31", "2", "2027"), ("1", "1", "99999999999999999999"), ("x", "y", "z"), ("0", "0", "0")],
)
def test_junk_dates_are_answered_next_to_the_field_keeping_the_typing(
    client, episode, team_manager, day, month, year
):
    client.force_login(team_manager)

    response = client.post(
        _page(episode),
        {
            "version": episode.version,
            "primary_need": "N2",
            "closed_on_0": day,
            "closed_on_1": month,
            "closed_on_2": year,
            "closure_reason": "RC7",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "govuk-error-message" in body
    assert f'value="{year}"' in body
    assert '<option value="N2" selected>' in body
    episode.refresh_from_db()
    assert episode.version == 1


def test_a_rule_broken_on_the_page_is_shown_next_to_its_field(client, episode, team_manager):
    client.force_login(team_manager)

    response = client.post(
        _page(episode),
        {
            "version": episode.version,
            "primary_need": "N4",
            "closed_on_0": "6",
            "closed_on_1": "10",
            "closed_on_2": "2026",
        },
    )

    body = response.content.decode()
    assert 'href="#id_closure_reason"' in body
    assert "Give both the closure date and the reason" in body


def test_a_lost_race_on_the_page_says_who_saved_and_keeps_the_answers(
    client, episode, team_manager, social_worker
):
    client.force_login(team_manager)
    opened = episode.version
    cin.episode_update(episode=episode, by=social_worker, reason="x", primary_need="N1")

    response = client.post(_page(episode), {"version": opened, "primary_need": "N6"})

    body = response.content.decode()
    assert response.status_code == 200 and "changed by someone else" in body
    assert '<option value="N6" selected>' in body


def test_an_episode_of_another_contact_is_not_found(client, episode, team_manager):
    client.force_login(team_manager)
    other = complete_contact(by=UserFactory(roles=[Role.SCREENING_OFFICER]), children=[])

    url = reverse("referrals:contact_census_episode", args=[other.pk, episode.pk])

    assert client.get(url).status_code == 404
