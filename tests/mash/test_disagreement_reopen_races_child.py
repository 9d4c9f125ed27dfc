"""Reopening a MASH decision at the same moment as a strategy discussion is recorded on the
enquiry, or as a new contact about the child is submitted, on separate database connections,
in both orders. The strategy discussion and the reopening meet on the enquiry's lock; the new
contact and the reopening on the child's person row (referrals.lifecycle.lock_children). The
second waits for the first, then refuses or sees what the first did."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from mash import reopen
from mash.models import Disagreement, EnquiryStatus, PreviousDecision, StrategyDiscussion
from referrals import services
from referrals.models import Contact, ContactDuplicate, ContactPerson, ContactStatus
from tests.factories import complete_contact
from tests.interleave import interleave
from tests.mash.records import strategy_held
from tests.mash.reopening import reopening

pytestmark = pytest.mark.django_db(transaction=True)


def discussion(enquiry, by):
    return lambda: strategy_held(enquiry=enquiry, by=by)


def test_a_strategy_discussion_recorded_first_makes_the_reopening_wait_and_refuse(
    disagreed, havering, mash_manager, social_work_team
):
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)

    run = interleave(
        discussion(enquiry, mash_manager),
        reopening(disagreement, manager=mash_manager, profile=havering),
    )

    assert isinstance(run.first, StrategyDiscussion), run.first
    assert run.waited
    assert isinstance(run.second, ValidationError), run.second
    assert run.second.messages == [reopen.STRATEGY_HELD]
    assert not PreviousDecision.objects.exists()


def test_reopening_first_makes_the_strategy_discussion_wait_and_land_before_the_new_decision(
    disagreed, havering, mash_manager, social_work_team
):
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)

    run = interleave(
        reopening(disagreement, manager=mash_manager, profile=havering),
        discussion(enquiry, mash_manager),
    )

    assert isinstance(run.first, Disagreement), run.first
    assert run.waited
    # Recorded on the enquiry as it now is: awaiting the manager's new decision, which is
    # taken with the discussion in front of it (strategy discussions may precede a decision).
    assert isinstance(run.second, StrategyDiscussion), run.second
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANALYSED and enquiry.decided_at is None
    assert run.second.recorded_at > PreviousDecision.objects.get().reopened_at


# The case decided just now, or days ago: beyond the duplicate window (72 hours) the new
# contact flags no duplicate (whose key to the earlier contact would serialise the two on its
# own), so only the children's lock stands between them.
DECIDED = pytest.mark.parametrize("days_ago", [0, 5], ids=["just_now", "days_ago"])


def decided_case(disagreed, days_ago):
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=True):
        return disagreed("no_further_action")


def later_contact(enquiry, officer, profile):
    child = ContactPerson.objects.get(contact=enquiry.contact, role="child").person
    draft = complete_contact(by=officer, children=[child])
    return draft, lambda: services.contact_submit(contact=draft, by=officer, profile=profile)


@DECIDED
def test_a_contact_about_the_child_submitted_first_makes_the_reopening_wait_and_refuse(
    disagreed, havering, mash_manager, screening_officer, days_ago
):
    enquiry, disagreement, _ = decided_case(disagreed, days_ago)
    draft, submit = later_contact(enquiry, screening_officer, havering)

    run = interleave(submit, reopening(disagreement, manager=mash_manager, profile=havering))

    assert isinstance(run.first, Contact), run.first
    assert run.waited
    assert ContactDuplicate.objects.exists() == (days_ago == 0)
    assert isinstance(run.second, ValidationError), run.second
    assert run.second.messages == [reopen.LATER_CONTACT.format(reference=draft.reference)]
    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.CLOSED_NFA


@DECIDED
def test_reopening_first_makes_the_contact_about_the_child_wait_and_arrive_after_it(
    disagreed, havering, mash_manager, screening_officer, days_ago
):
    enquiry, disagreement, _ = decided_case(disagreed, days_ago)
    draft, submit = later_contact(enquiry, screening_officer, havering)

    run = interleave(reopening(disagreement, manager=mash_manager, profile=havering), submit)

    assert isinstance(run.first, Disagreement), run.first
    assert run.waited
    # The new contact arrives after the reopening, about a child whose decision is being
    # taken again: the usual front door flags (a possible duplicate) apply to it from here.
    assert isinstance(run.second, Contact), run.second
    assert run.second.status == ContactStatus.SUBMITTED
    assert run.second.submitted_at > PreviousDecision.objects.get().reopened_at
    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.WITH_MASH
