"""The weekly Early Help Panel: its date, its agenda, attendees and a decision per case."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from early_help import selectors, services
from early_help.models import EarlyHelpPanel, PanelCase
from referrals.models import ContactStatus
from tests.factories import green_contact
from thresholds.models import ClosureDay


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 4)),  # Monday: this Wednesday
        (dt.date(2026, 3, 4), dt.date(2026, 3, 4)),  # Wednesday: today's panel
        (dt.date(2026, 3, 5), dt.date(2026, 3, 11)),  # Thursday: next week's
        # Christmas Day 2024 was a Wednesday and Boxing Day a bank holiday too: Friday.
        (dt.date(2024, 12, 23), dt.date(2024, 12, 27)),
    ],
)
def test_the_panel_meets_weekly_on_wednesday_or_the_next_working_day(camden, day, expected):
    assert selectors.next_panel_date(day, camden) == expected


def test_a_panel_falling_on_a_closure_day_moves_to_the_next_working_day(camden):
    ClosureDay.objects.create(date=dt.date(2026, 3, 4), reason="Office move")
    assert selectors.next_panel_date(dt.date(2026, 3, 2), camden) == dt.date(2026, 3, 5)


def test_islington_calls_its_panel_the_targeted_allocation_meeting(islington, camden):
    assert selectors.panel_name(islington) == "Targeted Allocation Meeting"
    assert selectors.panel_name(camden) == "Early Help Panel"


@pytest.fixture
def item(camden, screening_officer, senior_practitioner, early_help_manager):
    from early_help.services import early_help_decide

    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    early_help_decide(
        contact=contact,
        by=early_help_manager,
        profile=camden,
        outcome="panel",
        rationale="Older brother also struggling: which service fits the whole family?",
    )
    return PanelCase.objects.get(contact=contact)


def attend(item, by):
    services.panel_record_attendees(
        panel=item.panel, by=by, attendees=[by], other_attendees="Jo Bell, IYSS team leader"
    )


def decide(item, by, profile, decision="targeted_service", **kwargs):
    kwargs.setdefault("rationale", "Whole-family needs: a longer intervention.")
    kwargs.setdefault("service", "Family Services (Transformation Team)")
    return services.panel_decide(item=item, by=by, profile=profile, decision=decision, **kwargs)


def test_agenda_lists_the_cases_sent_to_the_panel(item):
    agenda = selectors.panel_agenda(item.panel)
    assert agenda == [item]
    assert agenda[0].contact.children_links


def test_decisions_need_attendees_first(item, early_help_manager, camden):
    with pytest.raises(ValidationError, match="Record who attended"):
        decide(item, early_help_manager, camden)
    attend(item, early_help_manager)
    decided = decide(item, early_help_manager, camden)
    assert decided.decision == "targeted_service"
    assert decided.service == "Family Services (Transformation Team)"
    assert decided.decided_by == early_help_manager


def test_attendees_are_required(item, early_help_manager):
    with pytest.raises(ValidationError):
        services.panel_record_attendees(
            panel=item.panel, by=early_help_manager, attendees=[], other_attendees=" "
        )


def test_the_panel_can_open_family_work(item, early_help_manager, camden, family_worker):
    attend(item, early_help_manager)
    decide(item, early_help_manager, camden, "brief_assessment", worker=family_worker, service="")
    case = item.contact.family_work_cases.get()
    assert case.source == "panel" and case.family_worker == family_worker


def test_the_panel_closes_with_no_further_action(item, early_help_manager, camden):
    attend(item, early_help_manager)
    decide(item, early_help_manager, camden, "nfa", service="")
    item.contact.refresh_from_db()
    assert item.contact.status == ContactStatus.CLOSED_NFA


def test_the_panel_cannot_send_a_case_to_itself(item, early_help_manager, camden):
    attend(item, early_help_manager)
    with pytest.raises(ValidationError) as exc:
        decide(item, early_help_manager, camden, "panel")
    assert "decision" in exc.value.message_dict


def test_a_case_is_decided_once(item, early_help_manager, camden):
    attend(item, early_help_manager)
    decide(item, early_help_manager, camden)
    with pytest.raises(ValidationError, match="already decided"):
        decide(item, early_help_manager, camden)


def test_only_the_chair_minutes(item, family_worker, camden):
    with pytest.raises(PermissionDenied):
        attend(item, family_worker)
    with pytest.raises(PermissionDenied):
        decide(item, family_worker, camden)


def test_undecided_cases_carry_over_to_later_panels(item):
    later = item.panel.date + dt.timedelta(days=7)
    assert selectors.carried_over(later) == [item]
    assert selectors.carried_over(item.panel.date) == []


def test_adding_a_case_twice_to_one_panel_keeps_one_item(item, early_help_manager, camden):
    again = services.panel_add(
        contact=item.contact, source="decision", reason="", by=early_help_manager, profile=camden
    )
    assert again == item
    assert EarlyHelpPanel.objects.count() == 1
