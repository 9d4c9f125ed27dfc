"""A partner or the receiving team disagrees with a MASH decision: escalated to the MASH
manager on its own clock (the profile's timescale, enforced by the sweep) until resolved."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgencyKind, Notification
from mash import disagreements
from mash.models import Disagreement, DisagreementStatus
from mash.selectors import enquiry_timeline
from tests.factories import agency_user
from tests.mash.records import checks_requested, mash_contact, referred_by_the_mash
from thresholds import services as clocks
from thresholds.models import ClockKind, Deadline


@pytest.fixture
def receiving_team(social_work_team):
    """The team the child is referred to: the `social_worker` and `team_manager` personas'."""
    return social_work_team


@pytest.fixture
def case(
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    receiving_team,
):
    enquiry, requests, police_user = referred_by_the_mash(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=havering,
        manager=mash_manager,
        worker=mash_social_worker,
        team=receiving_team,
    )
    return {"enquiry": enquiry, "police": requests[AgencyKind.POLICE], "police_user": police_user}


def raise_by_police(case, havering, reasons="Section 47 threshold is met."):
    return disagreements.disagreement_raise_by_partner(
        request=case["police"], by=case["police_user"], profile=havering, reasons=reasons
    )


def clock_of(disagreement):
    return Deadline.objects.get(kind=ClockKind.DISAGREEMENT, subject_id=disagreement.pk)


def test_a_partner_escalates_and_the_clock_runs_one_working_day_by_the_profile(
    case, havering, mash_manager
):
    disagreement = raise_by_police(case, havering)
    assert disagreement.status == DisagreementStatus.OPEN
    assert disagreement.agency == case["police"].agency
    clock = clock_of(disagreement)
    assert clock.responsible_role == "mash_manager"
    assert clock.due_at == clocks.compute_due(havering, ClockKind.DISAGREEMENT, clock.started_at)
    assert clock.due_at > clock.started_at + dt.timedelta(hours=20)
    assert Notification.objects.filter(user=mash_manager, title__contains="Disagreement").exists()


def test_the_timescale_is_the_profiles_to_configure(case, havering):
    havering.timescales.filter(kind=ClockKind.DISAGREEMENT).update(amount=4, unit="clock_hours")
    clock = clock_of(raise_by_police(case, havering))
    assert clock.due_at - clock.started_at == dt.timedelta(hours=4)


def test_the_sweep_breaches_an_unanswered_escalation(case, havering):
    disagreement = raise_by_police(case, havering)
    clocks.deadline_sweep(now=timezone.now() + dt.timedelta(days=5))
    assert clock_of(disagreement).breached_at is not None


def test_the_manager_resolves_it_with_reasons_which_meets_the_clock_and_tells_the_partner(
    case, havering, mash_manager
):
    disagreement = raise_by_police(case, havering)
    disagreements.disagreement_resolve(
        disagreement=disagreement,
        by=mash_manager,
        profile=havering,
        outcome="decision_changed",
        reasons="Agreed: strategy discussion today.",
    )
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementStatus.RESOLVED
    assert disagreement.resolved_by == mash_manager
    assert clock_of(disagreement).met_at is not None
    assert Notification.objects.filter(
        user=case["police_user"], title__contains="decision changed"
    ).exists()
    reasons = [e.reason for e in enquiry_timeline(case["enquiry"])]
    assert "Disagreement resolved: decision changed" in reasons
    with pytest.raises(ValidationError, match="already been resolved"):
        disagreements.disagreement_resolve(
            disagreement=disagreement,
            by=mash_manager,
            profile=havering,
            outcome="upheld",
            reasons="Again",
        )


def test_resolving_needs_an_outcome_and_reasons_and_a_manager(
    case, havering, mash_manager, mash_social_worker
):
    disagreement = raise_by_police(case, havering)
    with pytest.raises(PermissionDenied):
        disagreements.disagreement_resolve(
            disagreement=disagreement,
            by=mash_social_worker,
            profile=havering,
            outcome="upheld",
            reasons="No",
        )
    with pytest.raises(ValidationError) as raised:
        disagreements.disagreement_resolve(
            disagreement=disagreement, by=mash_manager, profile=havering, outcome="", reasons=" "
        )
    assert set(raised.value.message_dict) == {"outcome", "outcome_reasons"}


def test_one_open_disagreement_per_partner_and_none_before_the_decision(
    case, havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    raise_by_police(case, havering)
    with pytest.raises(ValidationError, match="already with the MASH manager"):
        raise_by_police(case, havering)
    contact = mash_contact(officer=screening_officer, senior=senior_practitioner, profile=havering)
    _, undecided = checks_requested(
        contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
    )
    police = undecided[AgencyKind.POLICE]
    with pytest.raises(ValidationError, match="not made its decision"):
        disagreements.disagreement_raise_by_partner(
            request=police, by=agency_user(police.agency), profile=havering, reasons="Too slow"
        )


def test_another_agency_cannot_disagree_through_polices_request(case, havering, health_user):
    with pytest.raises(PermissionDenied):
        disagreements.disagreement_raise_by_partner(
            request=case["police"], by=health_user, profile=havering, reasons="No"
        )


def test_the_receiving_team_escalates_from_the_contact_page(
    client, case, havering, social_worker, receiving_team, outsider
):
    contact = case["enquiry"].contact
    client.force_login(social_worker)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert reverse("mash:team_disagree", args=[contact.pk]) in page
    response = client.post(
        reverse("mash:team_disagree", args=[contact.pk]),
        {"reasons": "This needs a section 47 enquiry, not a Child and Family Assessment."},
    )
    assert response.status_code == 302
    disagreement = Disagreement.objects.get()
    assert disagreement.team == receiving_team
    assert clock_of(disagreement).is_open
    with pytest.raises(PermissionDenied):
        disagreements.disagreement_raise_by_team(
            enquiry=case["enquiry"], by=outsider, profile=havering, reasons="No"
        )


def test_the_partner_escalates_through_the_page_and_sees_the_outcome(
    client, case, havering, mash_manager
):
    client.force_login(case["police_user"])
    request_url = reverse("mash:partner_request", args=[case["police"].pk])
    page = client.get(request_url).content.decode()
    assert "The MASH decision" in page and "Referral to a social work team" in page
    url = reverse("mash:partner_disagree", args=[case["police"].pk])
    response = client.post(url, {"reasons": ""})
    assert "Enter why you disagree with the MASH decision" in response.content.decode()
    assert client.post(url, {"reasons": "Threshold for s47 met."}).status_code == 302
    disagreement = Disagreement.objects.get()
    client.force_login(mash_manager)
    queue = client.get(reverse("mash:disagreements")).content.decode()
    assert reverse("mash:disagreement", args=[disagreement.pk]) in queue
    assert "left" in queue
    detail = reverse("mash:disagreement", args=[disagreement.pk])
    response = client.post(detail, {"outcome": "upheld", "outcome_reasons": "CFA is right."})
    assert response.status_code == 302
    client.force_login(case["police_user"])
    page = client.get(request_url).content.decode()
    assert "Decision upheld" in page and "CFA is right." in page


def test_the_mash_queue_tells_the_manager_of_open_escalations(client, case, havering, mash_manager):
    raise_by_police(case, havering)
    client.force_login(mash_manager)
    page = client.get(reverse("mash:queue")).content.decode()
    assert "1 disagreement with MASH decisions is waiting" in page


def test_an_escalation_overdue_after_a_weekend_counts_working_days(case, havering):
    friday = timezone.make_aware(dt.datetime(2026, 11, 27, 15, 0))
    with time_machine.travel(friday):
        disagreement = raise_by_police(case, havering)
    due = timezone.localtime(clock_of(disagreement).due_at)
    assert due.date() == dt.date(2026, 11, 30)  # the Monday


def test_destroying_the_record_empties_its_disagreements_and_strategy_discussions(
    case, havering, mash_manager
):
    from mash import strategy
    from mash.models import StrategyAction, StrategyAttendee, StrategyDiscussion
    from privacy.destruction import CLEARED, record_parts

    disagreement = raise_by_police(case, havering)
    discussion = strategy.strategy_discussion_record(
        enquiry=case["enquiry"],
        by=mash_manager,
        held_at=timezone.now(),
        attendees=[strategy.Attendee("Police", "DS Nair")],
        decision="Section 47.",
        section_47=True,
        actions=[strategy.Action("Visit", "Social worker", timezone.localdate())],
    )
    parts = record_parts(case["enquiry"].contact)
    assert parts.of(Disagreement) == [disagreement.pk]
    assert parts.of(StrategyDiscussion) == [discussion.pk]
    assert len(parts.of(StrategyAttendee)) == 1 and len(parts.of(StrategyAction)) == 1
    assert CLEARED[Disagreement] == {"reasons": "", "outcome_reasons": ""}
    assert "decision" in CLEARED[StrategyDiscussion]
