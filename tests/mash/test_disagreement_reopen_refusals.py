"""A decision changed after a disagreement is reopened only when that is still safe: refused,
with a message on the resolve form and nothing changed, once the work has moved on in a way
reopening cannot undo (mash.reopen), or when the enquiry is not decided any more."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from early_help import services as early_help
from mash import disagreements, reopen
from mash.models import Disagreement, DisagreementStatus, EnquiryStatus, PreviousDecision
from referrals import cin, services
from referrals.models import CinEpisode, ContactPerson, ContactStatus, Referral
from tests.factories import complete_contact
from tests.mash.records import strategy_held
from tests.mash.reopening import change


@pytest.fixture
def make_case(disagreed):
    def make(next_step, team=None):
        enquiry, disagreement, _ = disagreed(next_step, team)
        enquiry.contact.refresh_from_db()
        return enquiry, disagreement

    return make


def refused(disagreement, *, manager, profile, message):
    contact = disagreement.enquiry.contact
    status = type(contact).objects.get(pk=contact.pk).status
    with pytest.raises(ValidationError) as raised:
        change(disagreement, manager=manager, profile=profile)
    assert raised.value.messages == [message]
    # Nothing half done: the disagreement still open, the contact and enquiry where they were.
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementStatus.OPEN
    contact.refresh_from_db()
    assert contact.status == status
    assert disagreement.enquiry.__class__.objects.get().status == EnquiryStatus.DECIDED
    assert not PreviousDecision.objects.exists()
    assert not Referral.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_second_change_is_refused_once_the_decision_is_reopened(
    make_case, havering, mash_manager, social_work_team, social_worker
):
    enquiry, by_police = make_case("social_work_referral", social_work_team)
    by_team = disagreements.disagreement_raise_by_team(
        enquiry=enquiry, by=social_worker, profile=havering, reasons="Needs section 47."
    )
    change(by_police, manager=mash_manager, profile=havering)

    with pytest.raises(ValidationError) as raised:
        change(by_team, manager=mash_manager, profile=havering)

    assert raised.value.messages == [reopen.NOT_DECIDED_NOW]
    by_team.refresh_from_db()
    assert by_team.is_open
    assert PreviousDecision.objects.count() == 1
    # Upheld still answers it (the manager takes the decision on the decision page).
    disagreements.disagreement_resolve(
        disagreement=by_team,
        by=mash_manager,
        profile=havering,
        outcome="upheld",
        reasons="Being decided again.",
    )


def test_refused_once_the_receiving_team_has_recorded_its_assessment(
    make_case, havering, mash_manager, social_work_team, social_worker
):
    enquiry, disagreement = make_case("social_work_referral", social_work_team)
    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)
    cin.episode_update(
        episode=episode,
        by=social_worker,
        reason="Assessment started",
        assessment_started_on=timezone.localdate(),
    )

    refused(
        disagreement,
        manager=mash_manager,
        profile=havering,
        message=reopen.TEAM_RECORDED.format(team=social_work_team),
    )


def test_refused_once_early_help_has_decided(make_case, havering, mash_manager, early_help_manager):
    enquiry, disagreement = make_case("early_help")
    early_help.early_help_decide(
        contact=enquiry.contact,
        by=early_help_manager,
        profile=havering,
        outcome="nfa",
        rationale="Needs met by school.",
    )

    refused(disagreement, manager=mash_manager, profile=havering, message=reopen.EARLY_HELP_DECIDED)


def test_refused_while_on_the_early_help_panel(
    make_case, havering, mash_manager, early_help_manager
):
    enquiry, disagreement = make_case("early_help")
    early_help.panel_add(
        contact=enquiry.contact,
        source="decision",
        reason="For the panel.",
        by=early_help_manager,
        profile=havering,
    )

    refused(disagreement, manager=mash_manager, profile=havering, message=reopen.ON_PANEL)


def test_refused_after_a_strategy_discussion_since_the_decision(
    make_case, havering, mash_manager, social_work_team
):
    enquiry, disagreement = make_case("social_work_referral", social_work_team)
    strategy_held(enquiry=enquiry, by=mash_manager)

    refused(disagreement, manager=mash_manager, profile=havering, message=reopen.STRATEGY_HELD)


def test_refused_when_a_later_contact_about_the_child_has_arrived(
    make_case, havering, mash_manager, screening_officer
):
    enquiry, disagreement = make_case("no_further_action")
    child = ContactPerson.objects.get(contact=enquiry.contact, role="child").person
    later = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=later, by=screening_officer, profile=havering)
    later.refresh_from_db()

    refused(
        disagreement,
        manager=mash_manager,
        profile=havering,
        message=reopen.LATER_CONTACT.format(reference=later.reference),
    )


def test_a_draft_later_contact_does_not_stop_it(
    make_case, havering, mash_manager, screening_officer
):
    enquiry, disagreement = make_case("no_further_action")
    child = ContactPerson.objects.get(contact=enquiry.contact, role="child").person
    complete_contact(by=screening_officer, children=[child])

    change(disagreement, manager=mash_manager, profile=havering)

    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.WITH_MASH


def test_the_resolve_page_shows_the_refusal_by_the_form_and_keeps_the_answers(
    client, make_case, havering, mash_manager, social_work_team, social_worker
):
    enquiry, disagreement = make_case("social_work_referral", social_work_team)
    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)
    cin.episode_update(
        episode=episode,
        by=social_worker,
        reason="NFA",
        nfa=True,
        closed_on=(timezone.localdate()),
        closure_reason="RC7",
    )
    client.force_login(mash_manager)

    response = client.post(
        reverse("mash:disagreement", args=[disagreement.pk]),
        {"outcome": "decision_changed", "outcome_reasons": "My typed reasons."},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "already recorded what it did" in page
    assert "My typed reasons." in page
    assert Disagreement.objects.get().is_open


def test_the_census_page_refuses_a_record_on_the_withdrawn_referral_by_the_form(
    client, make_case, havering, mash_manager, social_work_team, senior_practitioner
):
    # A senior practitioner keeps the front door's right to change the contact: the census
    # page of the withdrawn referral offers no change, and a post is refused by the form.
    enquiry, disagreement = make_case("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering)
    episode = CinEpisode.objects.get(referral__contact=enquiry.contact)
    client.force_login(senior_practitioner)
    url = reverse("referrals:contact_census_episode", args=[enquiry.contact.pk, episode.pk])

    response = client.post(
        url,
        {
            "version": episode.version,
            "primary_need": "N1",
            "nfa": "no",
            "assessment_started_on_0": "6",
            "assessment_started_on_1": "10",
            "assessment_started_on_2": "2026",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "This referral was withdrawn" in page
    episode.refresh_from_db()
    assert episode.assessment_started_on is None
    contact_page = client.get(enquiry.contact.get_absolute_url()).content.decode()
    assert url not in contact_page
