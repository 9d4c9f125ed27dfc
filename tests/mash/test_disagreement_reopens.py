"""A disagreement resolved "decision changed" reopens the MASH decision (mash.reopen): the
enquiry back to awaiting the manager's decision with the old one kept, the contact back with
the MASH through contact_move (grants and clocks), a referral withdrawn and its team told."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Notification, OutboundEmail
from mash.models import (
    DisagreementStatus,
    EnquiryStatus,
    InformationShared,
    PreviousDecision,
)
from referrals.models import CinEpisode, ContactStatus, Referral
from referrals.selectors import names_on
from tests.lifecycle.helpers import can_read, can_write
from tests.mash.reopening import change, decide_again
from thresholds.models import ClockKind, Deadline


@pytest.fixture
def make_case(disagreed):
    return disagreed


def test_changing_a_referral_decision_reopens_it_and_withdraws_the_referral(
    make_case, havering, mash_manager, social_work_team, team_manager
):
    enquiry, disagreement, police_user = make_case("social_work_referral", social_work_team)
    contact = enquiry.contact
    referral = Referral.objects.get(contact=contact)

    change(disagreement, manager=mash_manager, profile=havering, reasons="Section 47 needed.")

    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANALYSED and enquiry.is_awaiting_decision
    assert enquiry.analysis == "Risk of significant harm." and enquiry.recommended_level == 4
    assert (enquiry.final_rag, enquiry.next_step, enquiry.decided_at) == ("", "", None)
    previous = PreviousDecision.objects.get(enquiry=enquiry)
    assert (previous.final_rag, previous.next_step) == ("red", "social_work_referral")
    assert previous.disagreement == disagreement and previous.reopened_by == mash_manager
    assert previous.withdrawn_referral == referral
    referral.refresh_from_db()
    assert referral.is_withdrawn and referral.withdrawn_by == mash_manager
    assert "Section 47 needed." in referral.withdrawal_reason
    contact.refresh_from_db()
    assert contact.status == ContactStatus.WITH_MASH
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementStatus.RESOLVED
    # History: each row names the manager and why.
    for row in (
        contact.history.first(),
        enquiry.history.first(),
        referral.history.first(),
        previous.history.first(),
    ):
        assert row.history_user == mash_manager
        assert "disagreement" in row.history_change_reason.lower()
    assert "Back with the MASH manager" in contact.history.first().history_change_reason
    # The raiser hears the decision is being taken again; the team that its referral went.
    assert Notification.objects.filter(
        user=police_user, title__contains="taking the decision again"
    ).exists()
    notice = Notification.objects.get(user=team_manager, title__contains="withdrawn")
    assert notice.url == ""
    email = OutboundEmail.objects.get(purpose="referral_withdrawn")
    assert email.to == social_work_team.duty_email
    assert contact.reference in email.subject
    for name in names_on(contact):
        assert name not in email.subject and name not in email.body


def test_the_mash_decision_clock_starts_again_from_the_reopening(
    make_case, havering, mash_manager, social_work_team
):
    enquiry, disagreement, _ = make_case("social_work_referral", social_work_team)
    first = Deadline.objects.get(contact=enquiry.contact, kind=ClockKind.RED_CHECKS)
    assert first.met_at is not None

    change(disagreement, manager=mash_manager, profile=havering)

    again = Deadline.objects.open().get(contact=enquiry.contact, kind=ClockKind.RED_CHECKS)
    assert again.pk != first.pk
    assert again.started_at == PreviousDecision.objects.get().reopened_at


def test_the_receiving_team_loses_the_contact_and_the_mash_worker_gets_it_back(
    make_case, havering, mash_manager, mash_social_worker, social_work_team, social_worker
):
    enquiry, disagreement, _ = make_case("social_work_referral", social_work_team)
    contact = enquiry.contact
    assert can_read(social_worker, contact) and not can_write(social_worker, contact)
    assert not mash_social_worker.has_perm("mash.change_enquiry", enquiry)

    change(disagreement, manager=mash_manager, profile=havering)

    # ADR 0008: the work moved on to someone else, so the team keeps neither write nor read.
    assert not can_write(social_worker, contact) and not can_read(social_worker, contact)
    assert can_write(mash_social_worker, contact)
    enquiry.refresh_from_db()
    from tests.lifecycle.helpers import fresh

    assert fresh(mash_social_worker).has_perm("mash.change_enquiry", enquiry)


@pytest.mark.parametrize("next_step", ["early_help", "no_further_action"])
def test_an_early_help_or_nfa_decision_reopens_without_a_referral(
    make_case, havering, mash_manager, early_help_manager, next_step
):
    enquiry, disagreement, _ = make_case(next_step)
    contact = enquiry.contact
    contact.refresh_from_db()
    left_in = {"early_help": ContactStatus.WITH_EARLY_HELP, "no_further_action": "closed_nfa"}
    assert contact.status == left_in[next_step]
    if next_step == "early_help":
        assert can_read(early_help_manager, contact)

    change(disagreement, manager=mash_manager, profile=havering)

    contact.refresh_from_db()
    assert contact.status == ContactStatus.WITH_MASH
    assert PreviousDecision.objects.get().withdrawn_referral is None
    assert not OutboundEmail.objects.filter(purpose="referral_withdrawn").exists()
    assert not can_read(early_help_manager, contact)
    assert Deadline.objects.open().filter(contact=contact, kind=ClockKind.AMBER_CHECKS).exists()


def test_a_partner_or_team_worker_cannot_resolve(
    make_case, havering, social_work_team, social_worker, team_manager
):
    enquiry, disagreement, police_user = make_case("social_work_referral", social_work_team)
    for user in (police_user, social_worker, team_manager):
        with pytest.raises(PermissionDenied):
            change(disagreement, manager=user, profile=havering)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DECIDED
    assert not Referral.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_second_decision_refers_again_with_its_own_records(
    make_case, havering, mash_manager, social_work_team
):
    from tests.factories import TeamFactory

    enquiry, disagreement, _ = make_case("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering)
    other = TeamFactory(name="Section 47 team")

    decide_again(
        enquiry=enquiry,
        profile=havering,
        manager=mash_manager,
        next_step="social_work_referral",
        team=other,
    )

    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DECIDED and enquiry.decided_by == mash_manager
    contact = enquiry.contact
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK
    assert contact.assigned_team == other
    new = Referral.objects.get(contact=contact, withdrawn_at__isnull=True)
    assert new.team == other
    # What the police agreed to share goes with the new referral too; each child is one
    # counted census episode (the withdrawn referral's stays, uncounted).
    assert InformationShared.objects.filter(referral=new).count() == 1
    assert CinEpisode.objects.filter(referral=new).count() == 1
    assert CinEpisode.objects.filter(referral__contact=contact).count() == 2
    emails = OutboundEmail.objects.filter(purpose="mash_referral").order_by("pk")
    assert [e.to for e in emails] == [social_work_team.duty_email, other.duty_email]
    # The enquiry page shows the decision taken again and the previous one.
    assert PreviousDecision.objects.get().final_rationale == "Risk of significant harm."


def test_the_receiving_teams_own_disagreement_changed_tells_it_without_a_link(
    make_case, havering, mash_manager, social_work_team, social_worker
):
    from mash import disagreements
    from referrals import rating

    enquiry, _, _ = make_case("social_work_referral", social_work_team)
    by_team = disagreements.disagreement_raise_by_team(
        enquiry=enquiry, by=social_worker, profile=havering, reasons="Needs section 47."
    )
    referral = Referral.objects.get(contact=enquiry.contact)
    with pytest.raises(PermissionDenied):
        rating.referral_withdraw(
            referral=referral, by=social_worker, reason="No", at=referral.created_at, email_to=""
        )

    change(by_team, manager=mash_manager, profile=havering, reasons="Named the child Ada.")

    notice = Notification.objects.get(user=social_worker, title__contains="decision changed")
    # It can no longer open the contact, and a notice off the record carries no free text.
    assert notice.url == "" and "Ada" not in notice.body
    assert disagreements.receiving_referral(social_worker, enquiry) is None
