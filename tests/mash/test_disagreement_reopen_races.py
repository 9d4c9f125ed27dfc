"""Reopening a MASH decision and the work that makes it unsafe, at the same moment, on separate
database connections, in both orders: early help deciding (to the panel), and the receiving
team recording its decision. The second always waits for the first (they lock the contact, in
reopening's order: enquiry, contact, then what hangs from it) and then refuses, or sees what
the first did: never both done as if the other had not happened."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from early_help import services as early_help
from early_help.models import EarlyHelpDecision, PanelCase
from mash import reopen
from mash.models import Disagreement, EnquiryStatus, PreviousDecision
from referrals import cin
from referrals.models import CinEpisode, ContactStatus, Referral
from tests.interleave import interleave
from tests.mash.reopening import reopening

pytestmark = pytest.mark.django_db(transaction=True)


def refusal(result) -> list[str]:
    assert isinstance(result, ValidationError), result
    return result.messages


def to_the_panel(contact, by, profile):
    return lambda: early_help.early_help_decide(
        contact=contact, by=by, profile=profile, outcome="panel", rationale="For the panel."
    )


def test_early_help_deciding_first_makes_the_reopening_wait_and_refuse(
    disagreed, havering, mash_manager, early_help_manager
):
    enquiry, disagreement, _ = disagreed("early_help")

    run = interleave(
        to_the_panel(enquiry.contact, early_help_manager, havering),
        reopening(disagreement, manager=mash_manager, profile=havering),
    )

    assert isinstance(run.first, EarlyHelpDecision), run.first
    assert run.waited
    assert refusal(run.second) == [reopen.EARLY_HELP_DECIDED]
    assert PanelCase.objects.filter(contact=enquiry.contact).exists()
    assert not PreviousDecision.objects.exists()


def test_reopening_first_makes_early_help_wait_and_find_the_contact_gone_to_the_mash(
    disagreed, havering, mash_manager, early_help_manager
):
    enquiry, disagreement, _ = disagreed("early_help")

    run = interleave(
        reopening(disagreement, manager=mash_manager, profile=havering),
        to_the_panel(enquiry.contact, early_help_manager, havering),
    )

    assert isinstance(run.first, Disagreement), run.first
    assert run.waited
    assert refusal(run.second) == [early_help.NOT_AWAITING_DECISION]
    assert not PanelCase.objects.exists() and not EarlyHelpDecision.objects.exists()
    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.WITH_MASH


def assessment_started(episode, by):
    return lambda: cin.episode_update(
        episode=episode,
        by=by,
        reason="Assessment started",
        assessment_started_on=timezone.localdate(),
    )


def test_the_team_recording_first_makes_the_reopening_wait_and_refuse(
    disagreed, havering, mash_manager, social_work_team, social_worker
):
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)
    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)

    run = interleave(
        assessment_started(episode, social_worker),
        reopening(disagreement, manager=mash_manager, profile=havering),
    )

    assert isinstance(run.first, CinEpisode), run.first
    assert run.waited
    assert refusal(run.second) == [reopen.TEAM_RECORDED.format(team=social_work_team)]
    assert not Referral.objects.get().is_withdrawn


def test_reopening_first_makes_the_census_record_wait_and_refuse_the_withdrawn_referral(
    disagreed, havering, mash_manager, social_work_team, senior_practitioner
):
    # A senior practitioner keeps the front door's role-wide right to change the contact, so
    # only the withdrawal (not a lost grant, as for the team) stops the record.
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)
    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)

    run = interleave(
        reopening(disagreement, manager=mash_manager, profile=havering),
        assessment_started(episode, senior_practitioner),
    )

    assert isinstance(run.first, Disagreement), run.first
    assert run.waited
    assert refusal(run.second) == [cin.REFERRAL_WITHDRAWN]
    episode.refresh_from_db()
    assert episode.assessment_started_on is None
    assert Referral.objects.get().is_withdrawn
    assert enquiry.__class__.objects.get().status == EnquiryStatus.ANALYSED
