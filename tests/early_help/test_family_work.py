"""Family work: the team around the family with exactly one lead professional, and closing
within 12 weeks."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from early_help import family_work
from early_help.models import CaseStatus, TafMember
from referrals.models import Involvement, Service
from referrals.selectors import statuses_for
from tests.factories import UserFactory, family_work_case, green_contact
from thresholds.models import ClockKind


@pytest.fixture
def case(camden, screening_officer, senior_practitioner, early_help_manager, family_worker):
    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    return family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )


def add(case, by, name="Ruth Ade", lead=False):
    return family_work.taf_member_add(
        case=case,
        by=by,
        name=name,
        role="Special educational needs coordinator",
        organisation="Oakley Square Primary School",
        email="senco@example.org",
        is_lead_professional=lead,
    )


def leads(case) -> list[str]:
    return [m.name for m in case.taf_members.filter(is_lead_professional=True)]


def test_the_family_worker_leads_the_team_around_the_family_at_first(case, family_worker):
    (member,) = case.taf_members.all()
    assert member.user == family_worker and member.is_lead_professional


def test_children_become_open_to_early_help_with_the_family_worker(case, family_worker):
    statuses = statuses_for(case.children.all())
    assert all(s.status == "open_eh" for s in statuses.values())
    assert {s.involvement.allocated_worker for s in statuses.values()} == {family_worker}


def test_adding_a_lead_professional_hands_the_lead_over(case, family_worker):
    add(case, family_worker, name="Ruth Ade", lead=True)
    assert leads(case) == ["Ruth Ade"]
    history = TafMember.history.filter(history_change_reason="No longer the lead professional")
    assert history.count() == 1


def test_making_a_member_lead_leaves_exactly_one_lead(case, family_worker):
    ruth = add(case, family_worker)
    family_work.taf_member_make_lead(member=ruth, by=family_worker)
    assert leads(case) == ["Ruth Ade"]
    family_worker_member = case.taf_members.get(user=family_worker)
    family_work.taf_member_make_lead(member=family_worker_member, by=family_worker)
    assert leads(case) == [str(family_worker)]


def test_the_database_refuses_a_second_lead(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        TafMember.objects.create(
            case=case, name="X", role="Y", organisation="Z", is_lead_professional=True
        )


def test_the_lead_professional_cannot_be_removed(case, family_worker):
    lead = case.taf_members.get()
    with pytest.raises(ValidationError, match="make someone else the lead"):
        family_work.taf_member_remove(member=lead, by=family_worker)
    ruth = add(case, family_worker)
    family_work.taf_member_remove(member=ruth, by=family_worker)
    assert case.taf_members.count() == 1


def test_a_member_needs_a_name_role_and_organisation(case, family_worker):
    with pytest.raises(ValidationError) as exc:
        family_work.taf_member_add(case=case, by=family_worker, name="", role="", organisation="")
    assert set(exc.value.message_dict) == {"name", "role", "organisation"}


def test_updating_a_member_keeps_the_lead(case, family_worker):
    ruth = add(case, family_worker, lead=True)
    family_work.taf_member_update(
        member=ruth,
        by=family_worker,
        name="Ruth Adeyemi",
        role="SENCO",
        organisation="Oakley Square Primary School",
        phone="020 7946 0123",
    )
    ruth.refresh_from_db()
    assert (ruth.name, ruth.is_lead_professional) == ("Ruth Adeyemi", True)


def test_another_family_worker_cannot_change_the_case(case, camden):
    from accounts.models import Team

    other = UserFactory(roles=[], team=Team.objects.get(name="Family Support Team"))
    with pytest.raises(PermissionDenied):
        add(case, other)


def test_closing_meets_the_clock_and_ends_the_early_help_involvement(case, family_worker):
    ruth = add(case, family_worker, lead=True)
    family_work.family_work_case_close(
        case=case,
        by=family_worker,
        reason="handed_to_lead_professional",
        details=f"{ruth.name} leads the plan from school.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == family_worker
    clock = case.contact.deadlines.get(kind=ClockKind.FAMILY_WORK)
    assert clock.met_at == case.closed_at
    open_eh = Involvement.objects.filter(
        person__in=case.children.all(), service=Service.EARLY_HELP, closed_on__isnull=True
    )
    assert not open_eh.exists()


def test_handing_over_needs_a_lead_professional_other_than_the_family_worker(case, family_worker):
    with pytest.raises(ValidationError) as exc:
        family_work.family_work_case_close(
            case=case, by=family_worker, reason="handed_to_lead_professional"
        )
    assert "lead professional" in exc.value.message_dict["reason"][0]


def test_other_closure_needs_a_summary_and_a_closed_case_cannot_change(case, family_worker):
    with pytest.raises(ValidationError):
        family_work.family_work_case_close(case=case, by=family_worker, reason="other")
    family_work.family_work_case_close(case=case, by=family_worker, reason="needs_met")
    with pytest.raises(ValidationError, match="closed"):
        add(case, family_worker)


def test_family_work_clock_breaches_after_twelve_weeks_and_is_met_late(
    camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    from thresholds.services import deadline_sweep

    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        contact = green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        )
        case = family_work_case(
            contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
        )
    clock = contact.deadlines.get(kind=ClockKind.FAMILY_WORK)
    assert timezone.localtime(clock.due_at).date() == dt.date(2026, 5, 25)
    with time_machine.travel(start + dt.timedelta(weeks=12, days=1), tick=False):
        deadline_sweep()
        clock.refresh_from_db()
        assert clock.breached_at is not None
        family_work.family_work_case_close(case=case, by=family_worker, reason="needs_met")
    clock.refresh_from_db()
    assert clock.was_met_late
