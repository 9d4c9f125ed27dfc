"""The clock from receipt: a contact waiting to be screened runs on its profile's screening
timescale from the moment it was received, is met when it is screened and is enforced by
the beat sweep; and an amber child in need referred straight to a team carries the amber clock."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from referrals import cin, rating, services
from referrals.models import CinEpisode
from tests.factories import PersonFactory, complete_contact
from tests.referrals.merlin_helpers import report
from thresholds.models import ClockKind, CouncilProfile
from thresholds.services import deadline_sweep

# Monday 2 March 2026, 10:00 in London (GMT).
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _submitted(officer, profile, *, received_at=None):
    contact = complete_contact(by=officer, children=[PersonFactory()], received_at=received_at)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    contact.refresh_from_db()
    return contact


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_every_profile_sets_a_screening_timescale_with_its_source(request, code):
    profile: CouncilProfile = request.getfixturevalue(code)
    timescale = profile.timescales.get(kind=ClockKind.SCREENING)
    assert (timescale.amount, timescale.unit) == (24, "clock_hours")
    assert timescale.source


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_a_submitted_contact_runs_a_screening_clock_from_when_it_was_received(
    request, code, screening_officer
):
    profile = request.getfixturevalue(code)
    received = START - dt.timedelta(hours=3)  # the call came in before it was logged
    with time_machine.travel(START, tick=False):
        contact = _submitted(screening_officer, profile, received_at=received)
    clock = contact.deadlines.get(kind=ClockKind.SCREENING)
    assert clock.started_at == received
    assert clock.due_at == received + dt.timedelta(hours=24)
    assert clock.is_open
    assert clock.team.kind == "screening"


def test_screening_the_contact_meets_its_receipt_clock(camden, screening_officer):
    with time_machine.travel(START, tick=False):
        contact = _submitted(screening_officer, camden)
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        services.contact_screen(
            contact=contact, by=screening_officer, profile=camden, rationale="Checked"
        )
    clock = contact.deadlines.get(kind=ClockKind.SCREENING)
    assert clock.met_at == START + dt.timedelta(hours=2)
    assert not clock.was_met_late


def test_the_beat_sweep_breaches_a_contact_left_unscreened(havering, screening_officer):
    with time_machine.travel(START, tick=False):
        contact = _submitted(screening_officer, havering)
    assert deadline_sweep(now=START + dt.timedelta(hours=23)).breached == 0
    result = deadline_sweep(now=START + dt.timedelta(hours=25))
    assert result.breached == 1
    assert contact.deadlines.get(kind=ClockKind.SCREENING).breached_at is not None
    # Running it again changes nothing.
    assert deadline_sweep(now=START + dt.timedelta(hours=26)).breached == 0


def test_the_queue_and_the_contact_show_the_receipt_clock_ticking(
    client, camden, screening_officer, settings
):
    settings.COUNCIL_PROFILE = "camden"
    contact = _submitted(screening_officer, camden, received_at=timezone.now())
    client.force_login(screening_officer)
    queue = client.get(reverse("referrals:queue_new")).text
    assert "Screened from receipt" in queue
    assert "left" in queue
    page = client.get(contact.get_absolute_url()).text
    assert "Screened from receipt" in page


def test_a_merlin_waiting_for_screening_has_a_receipt_clock_and_one_routed_on_arrival_meets_it(
    camden, partner_user
):
    from referrals.merlin import services as merlin

    waiting = merlin.merlin_submit(by=partner_user, profile=camden, data=report("MER-W"))
    clock = waiting.contact.deadlines.get(kind=ClockKind.SCREENING)
    assert clock.is_open
    adults = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(
            "MER-A",
            category="adults_only",
            subjects=[report().subjects[0].__class__(False, "Al", "Adult")],
        ),
    )
    assert adults.contact.deadlines.get(kind=ClockKind.SCREENING).met_at is not None


def _amber_referral(officer, senior, profile, team):
    contact = _submitted(officer, profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
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
        primary_need="N4",
    )
    contact.refresh_from_db()
    return contact


def test_an_amber_child_in_need_referred_to_a_team_carries_the_amber_clock(
    havering, screening_officer, senior_practitioner, social_work_team, team_manager
):
    social_work_team.profile = havering
    social_work_team.save()
    with time_machine.travel(START, tick=False):
        contact = _amber_referral(
            screening_officer, senior_practitioner, havering, social_work_team
        )
    clock = contact.deadlines.get(kind=ClockKind.AMBER_CHECKS)
    # Havering: 1 working day, answered by the receiving team.
    assert timezone.localtime(clock.due_at).date() == dt.date(2026, 3, 3)
    assert clock.team == social_work_team
    assert clock.is_open
    episode = CinEpisode.objects.get(referral__contact=contact)
    cin.episode_update(
        episode=episode,
        by=team_manager,
        reason="Assessment started",
        assessment_started_on=timezone.localdate(),
    )
    clock.refresh_from_db()
    assert clock.met_at is not None


def test_a_green_contact_routed_on_carries_no_amber_clock(
    camden, screening_officer, senior_practitioner
):
    from tests.factories import green_contact

    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    assert not contact.deadlines.filter(kind=ClockKind.AMBER_CHECKS).exists()
