"""Early help clocks under every council profile: green to early help, the referral decision
and family work; met by the services that do the work, on the dashboards while they run."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from early_help import services
from early_help.step_down import step_down_request
from tests.factories import PersonFactory, family_work_case, green_contact, open_involvement
from thresholds.models import ClockKind
from thresholds.services import deadline_sweep

# Monday 2 March 2026, 10:00 in London (GMT).
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def local_due(contact, kind) -> dt.date:
    return timezone.localtime(contact.deadlines.get(kind=kind).due_at).date()


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_green_contact_starts_three_day_and_ten_working_day_clocks(
    request, code, screening_officer, senior_practitioner
):
    profile = request.getfixturevalue(code)
    with time_machine.travel(START, tick=False):
        contact = green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=profile
        )
    # Havering and Islington set neither: the Camden protocol's timescales apply (6.2).
    assert local_due(contact, ClockKind.GREEN_TO_EARLY_HELP) == dt.date(2026, 3, 5)
    assert local_due(contact, ClockKind.EARLY_HELP_DECISION) == dt.date(2026, 3, 16)


def test_a_late_decision_meets_the_breached_clocks_late(
    camden, screening_officer, senior_practitioner, early_help_manager
):
    with time_machine.travel(START, tick=False):
        contact = green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        )
    with time_machine.travel(START + dt.timedelta(days=4), tick=False):
        deadline_sweep()
        green_clock = contact.deadlines.get(kind=ClockKind.GREEN_TO_EARLY_HELP)
        assert green_clock.breached_at is not None
        services.early_help_decide(
            contact=contact, by=early_help_manager, profile=camden, outcome="nfa", rationale="x"
        )
    green_clock.refresh_from_db()
    decision_clock = contact.deadlines.get(kind=ClockKind.EARLY_HELP_DECISION)
    assert green_clock.was_met_late
    assert decision_clock.met_at and not decision_clock.was_met_late


def test_step_down_referral_decision_is_the_panels_and_runs_ten_working_days(
    camden, team_manager, social_work_team, early_help_manager
):
    child = PersonFactory()
    open_involvement(child, team=social_work_team)
    with time_machine.travel(START, tick=False):
        contact = step_down_request(
            by=team_manager,
            profile=camden,
            children=[child],
            reasons="CIN plan complete",
            family_agrees=True,
            consent_details="Agreed at review",
        ).contact
    assert local_due(contact, ClockKind.EARLY_HELP_DECISION) == dt.date(2026, 3, 16)
    assert not contact.deadlines.filter(kind=ClockKind.GREEN_TO_EARLY_HELP).exists()


def test_early_help_clocks_show_on_the_overdue_dashboard(
    client, camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    waiting = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    case = family_work_case(
        contact=green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        ),
        manager=early_help_manager,
        worker=family_worker,
        profile=camden,
    )
    client.force_login(early_help_manager)
    rows = client.get(reverse("dashboard")).context["page"].object_list
    shown = {(d.contact_id, d.kind) for d in rows}
    assert (waiting.pk, ClockKind.GREEN_TO_EARLY_HELP) in shown
    assert (waiting.pk, ClockKind.EARLY_HELP_DECISION) in shown
    assert (case.contact_id, ClockKind.FAMILY_WORK) in shown


def test_family_worker_sees_the_twelve_week_clock_among_their_own(
    client, camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    case = family_work_case(
        contact=green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        ),
        manager=early_help_manager,
        worker=family_worker,
        profile=camden,
    )
    client.force_login(family_worker)
    clocks = client.get(reverse("work_tray")).context["clocks"]
    assert [(d.kind, d.contact_id) for d in clocks] == [(ClockKind.FAMILY_WORK, case.contact_id)]


def test_closing_a_contact_closes_the_clocks_still_running_but_what_the_referrer_is_owed(
    camden, screening_officer, senior_practitioner, early_help_manager
):
    from thresholds.services import deadline_start

    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    # Work that stops being needed once the contact closes (any running clock of the contact).
    stray = deadline_start(profile=camden, kind=ClockKind.BORDERLINE, by=None, contact=contact)
    services.early_help_decide(
        contact=contact, by=early_help_manager, profile=camden, outcome="nfa", rationale="x"
    )
    stray.refresh_from_db()
    assert stray.closed_at is not None and stray.met_at is None
    # The reason names the closing state and the decision that closed it.
    assert stray.closed_reason.startswith("Closed: no further action. ")
    assert stray.history.first().history_user == early_help_manager
    running = set(contact.deadlines.open().values_list("kind", flat=True))
    assert ClockKind.BORDERLINE not in running
    assert ClockKind.REFERRER_TOLD in running  # started by the decision, still owed
