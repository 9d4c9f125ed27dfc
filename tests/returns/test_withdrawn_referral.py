"""A referral withdrawn because its MASH decision was changed after a disagreement is not a
referral to the statutory returns or the MI, opens no case and keeps no record open: RETURNS.md says nothing of withdrawn referrals,
and counting it beside the referral the decision taken again makes would report the child
referred twice for one contact, with overlapping episodes (CIN rules 8815/8820)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from privacy.retention import still_open
from referrals.models import CinEpisode, Contact, Referral
from referrals.selectors import referral_involvements
from reporting.figures.conditions import re_referral, referred, span_of
from reporting.tables import Period
from returns.annex_a import annex_a_lists
from returns.cin_census import build_census, census_episodes, collection_year_of
from tests.factories import TeamFactory
from tests.mash.reopening import change, decide_again

DAYS_AGO = 3


@pytest.fixture
def reopened(disagreed, havering, mash_manager, social_work_team):
    """A MASH referral made a few days ago whose decision was changed today, after the police
    disagreed."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=DAYS_AGO)):
        enquiry, disagreement, police_user = disagreed("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering)
    return enquiry


def _days() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=DAYS_AGO + 1), today)


def test_the_census_annex_a_and_mi_leave_a_withdrawn_referral_out(reopened, havering):
    contact = reopened.contact
    withdrawn = Referral.objects.get(contact=contact)
    assert withdrawn.is_withdrawn and CinEpisode.objects.filter(referral=withdrawn).exists()
    year = collection_year_of(timezone.localdate())

    assert not census_episodes(year).filter(referral=withdrawn).exists()
    assert build_census(year=year, profile=havering).episode_count == 0
    assert annex_a_lists(as_of=timezone.localdate()).rows["List 3"] == []
    period = _days()
    assert not Contact.objects.filter(referred(span_of(period)), pk=contact.pk).exists()


def test_the_decision_taken_again_is_the_one_referral_counted(reopened, havering, mash_manager):
    other = TeamFactory(name="Section 47 team")
    decide_again(
        enquiry=reopened,
        profile=havering,
        manager=mash_manager,
        next_step="social_work_referral",
        team=other,
    )
    year = collection_year_of(timezone.localdate())

    counted = list(census_episodes(year))
    assert [e.referral.team_id for e in counted] == [other.pk]
    rows = annex_a_lists(as_of=timezone.localdate()).rows["List 3"]
    assert len(rows) == 1
    period = _days()
    span = span_of(period)
    assert Contact.objects.filter(referred(span)).count() == 1
    # One referral of the child, not a re-referral within twelve months of the withdrawn one
    # (made days before the decision taken again).
    assert not Contact.objects.filter(re_referral(span)).exists()


def test_a_withdrawn_referral_opens_no_case_and_keeps_no_record_open(
    reopened, havering, mash_manager
):
    decide_again(
        enquiry=reopened, profile=havering, manager=mash_manager, next_step="no_further_action"
    )
    contact = reopened.contact
    child = contact.people.get()

    # The child is not "open to" the team the referral was withdrawn from...
    assert referral_involvements([child.pk]) == []
    # ...and its never-closed episode does not hold the closed record back from retention.
    assert not Contact.objects.filter(still_open(), pk=contact.pk).exists()
