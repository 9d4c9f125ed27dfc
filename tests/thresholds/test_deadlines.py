"""Clocks are started and met by services, and the sweep enforces them once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import Notification
from accounts.roles import Role
from core.enums import Rag
from tests.factories import PersonFactory, UserFactory, complete_contact
from thresholds import services
from thresholds.models import ClockKind, ClosureDay, Deadline

LONDON = ZoneInfo("Europe/London")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def contact(screening_officer):
    return complete_contact(by=screening_officer, children=[PersonFactory()])


def start(profile, kind, contact, when, **kwargs):
    return services.deadline_start(
        profile=profile, kind=kind, by=None, contact=contact, started_at=when, **kwargs
    )


@pytest.mark.parametrize(
    "code,kind,started,due",
    [
        ("camden", ClockKind.RED_CHECKS, at(2026, 11, 23, 10, 0), at(2026, 11, 23, 14, 0)),
        ("camden", ClockKind.AMBER_CHECKS, at(2026, 11, 27, 16, 0), at(2026, 11, 28, 16, 0)),
        ("havering", ClockKind.AMBER_CHECKS, at(2026, 11, 27, 16, 0), at(2026, 11, 30, 16, 0)),
        ("islington", ClockKind.RED_CHECKS, at(2026, 11, 23, 10, 0), at(2026, 11, 24, 10, 0)),
        ("islington", ClockKind.AMBER_CHECKS, at(2026, 12, 24, 10, 0), at(2026, 12, 29, 10, 0)),
        ("camden", ClockKind.BORDERLINE, at(2026, 12, 23, 9, 0), at(2026, 12, 30, 9, 0)),
        ("camden", ClockKind.GREEN_TO_EARLY_HELP, at(2026, 10, 23, 12, 0), at(2026, 10, 26, 12, 0)),
        ("camden", ClockKind.EARLY_HELP_DECISION, at(2026, 12, 21, 9, 0), at(2027, 1, 7, 9, 0)),
        ("havering", ClockKind.CONTACT_RECORD, at(2026, 3, 28, 23, 0), at(2026, 3, 30, 0, 0)),
        ("havering", ClockKind.REFERRER_TOLD, at(2026, 11, 23, 10, 0), at(2026, 11, 24, 10, 0)),
        (
            "islington",
            ClockKind.INFORMATION_AND_ADVICE,
            at(2026, 4, 2, 15, 0),
            at(2026, 4, 15, 15, 0),
        ),
        (
            "camden",
            ClockKind.CP_WRITTEN_FOLLOW_UP,
            at(2026, 10, 24, 12, 0),
            at(2026, 10, 26, 11, 0),
        ),
    ],
)
def test_each_profile_sets_its_own_timescale(request, contact, code, kind, started, due):
    """Bank holidays (Christmas, Easter), weekends and both clock changes included."""
    deadline = start(request.getfixturevalue(code), kind, contact, started)
    assert deadline.due_at == due


def test_partner_check_runs_on_the_red_or_amber_clock(camden, contact):
    red = start(
        camden,
        ClockKind.PARTNER_CHECK,
        contact,
        at(2026, 11, 23, 10, 0),
        rag=Rag.RED,
        subject=PersonFactory(),
    )
    amber = start(
        camden,
        ClockKind.PARTNER_CHECK,
        contact,
        at(2026, 11, 23, 10, 0),
        rag=Rag.AMBER,
        subject=PersonFactory(),
    )
    assert red.due_at == at(2026, 11, 23, 14, 0)
    assert amber.due_at == at(2026, 11, 24, 10, 0)


def test_closure_day_added_by_an_administrator_stops_the_working_day_clock(havering, contact):
    ClosureDay.objects.create(date=dt.date(2026, 11, 30), reason="Office move")
    deadline = start(havering, ClockKind.AMBER_CHECKS, contact, at(2026, 11, 27, 16, 0))
    assert deadline.due_at == at(2026, 12, 1, 16, 0)


def test_starting_a_running_clock_again_returns_it(camden, contact):
    first = start(camden, ClockKind.RED_CHECKS, contact, at(2026, 11, 23, 10, 0))
    again = start(camden, ClockKind.RED_CHECKS, contact, at(2026, 11, 23, 11, 0))
    assert again == first and Deadline.objects.count() == 1


def test_meeting_a_clock_records_when_and_whether_late(camden, contact, senior_practitioner):
    deadline = start(camden, ClockKind.RED_CHECKS, contact, at(2026, 11, 23, 10, 0))
    services.deadline_meet(
        kind=ClockKind.RED_CHECKS,
        contact=contact,
        by=senior_practitioner,
        at=at(2026, 11, 23, 15, 0),
    )
    deadline.refresh_from_db()
    assert deadline.met_at == at(2026, 11, 23, 15, 0) and deadline.was_met_late
    assert "late" in deadline.history.first().history_change_reason


@pytest.fixture
def mash_team_manager(db, social_work_team):
    return UserFactory(username="cinmanager", roles=[Role.TEAM_MANAGER], team=social_work_team)


def test_sweep_marks_breach_and_notifies_the_team_manager_once(
    camden, contact, social_work_team, mash_team_manager, django_capture_on_commit_callbacks
):
    start(camden, ClockKind.RED_CHECKS, contact, at(2026, 11, 23, 10, 0), team=social_work_team)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.deadline_sweep(now=at(2026, 11, 23, 14, 1))
        second = services.deadline_sweep(now=at(2026, 11, 23, 14, 2))
    assert (first.breached, second.breached) == (1, 0)
    deadline = Deadline.objects.get()
    assert deadline.breached_at == at(2026, 11, 23, 14, 1)
    assert (
        Notification.objects.filter(user=mash_team_manager, title__startswith="Overdue").count()
        == 1
    )
    assert len(mail.outbox) == 1
    assert contact.reference in mail.outbox[0].subject
    assert (
        deadline.history.filter(history_change_reason__startswith="Deadline breached").count() == 1
    )


def test_sweep_warns_the_responsible_person_when_a_quarter_of_the_time_is_left(
    camden, contact, senior_practitioner
):
    start(
        camden,
        ClockKind.RED_CHECKS,
        contact,
        at(2026, 11, 23, 10, 0),
        responsible=senior_practitioner,
    )
    assert services.deadline_sweep(now=at(2026, 11, 23, 12, 59)).due_soon == 0
    assert services.deadline_sweep(now=at(2026, 11, 23, 13, 0)).due_soon == 1
    assert services.deadline_sweep(now=at(2026, 11, 23, 13, 30)).due_soon == 0
    assert (
        Notification.objects.filter(user=senior_practitioner, title__startswith="Due soon").count()
        == 1
    )


def test_sweep_after_downtime_catches_up_on_everything_overdue(camden, screening_officer):
    for hour in (8, 9, 10):
        c = complete_contact(by=screening_officer, children=[PersonFactory()])
        start(camden, ClockKind.RED_CHECKS, c, at(2026, 11, 23, hour, 0))
    with time_machine.travel(at(2026, 11, 24, 9, 0)):
        result = services.deadline_sweep()
    assert result.breached == 3


def test_met_clock_is_never_breached(camden, contact):
    start(camden, ClockKind.RED_CHECKS, contact, at(2026, 11, 23, 10, 0))
    services.deadline_meet(
        kind=ClockKind.RED_CHECKS, contact=contact, by=None, at=at(2026, 11, 23, 11, 0)
    )
    assert services.deadline_sweep(now=at(2026, 11, 24, 9, 0)).breached == 0


# Every timescale of every profile, as its council's procedure sets it (seeds 002, 003, 004).
H, WD, D = "clock_hours", "working_days", "calendar_days"
EXPECTED_TIMESCALES = {
    "camden": {
        "red_checks": (4, H),
        "amber_checks": (24, H),
        "borderline": (3, WD),
        "green_to_early_help": (3, D),
        "early_help_decision": (10, WD),
        "cp_written_follow_up": (48, H),
        "family_work": (84, D),
        "contact_record": (24, H),
        "screening": (24, H),
        "referrer_told": (24, H),
        "information_and_advice": (7, WD),
        "disagreement": (1, WD),
    },
    "havering": {
        "red_checks": (4, H),
        "amber_checks": (1, WD),
        "contact_record": (24, H),
        "screening": (24, H),
        "referrer_told": (24, H),
        "borderline": (3, WD),
        "green_to_early_help": (3, D),
        "early_help_decision": (10, WD),
        "cp_written_follow_up": (48, H),
        "family_work": (84, D),
        "information_and_advice": (7, WD),
        "disagreement": (1, WD),
    },
    "islington": {
        "red_checks": (24, H),
        "amber_checks": (1, WD),
        "information_and_advice": (7, WD),
        "referrer_told": (24, H),
        "borderline": (3, WD),
        "green_to_early_help": (3, D),
        "early_help_decision": (10, WD),
        "cp_written_follow_up": (48, H),
        "family_work": (84, D),
        "contact_record": (24, H),
        "screening": (24, H),
        "disagreement": (1, WD),
    },
}


@pytest.mark.parametrize("code", EXPECTED_TIMESCALES)
def test_each_profile_ships_every_timescale_from_its_procedure(request, db, code):
    profile = request.getfixturevalue(code)
    shipped = {t.kind: (t.amount, t.unit) for t in profile.timescales.all()}
    assert shipped == EXPECTED_TIMESCALES[code]
    assert all(t.source for t in profile.timescales.all())


@pytest.mark.parametrize("code", EXPECTED_TIMESCALES)
@pytest.mark.parametrize("kind", list(EXPECTED_TIMESCALES["camden"]))
def test_every_clock_of_every_profile_runs_over_the_christmas_bank_holidays(
    request, code, kind, contact
):
    """Started 4pm Christmas Eve 2026 (Thursday): 25 and 28 December are bank holidays."""
    amount, unit = EXPECTED_TIMESCALES[code][kind]
    deadline = start(request.getfixturevalue(code), kind, contact, at(2026, 12, 24, 16, 0))
    if unit == H:
        assert deadline.due_at - deadline.started_at == dt.timedelta(hours=amount)
    elif unit == D:
        day = dt.date(2026, 12, 24) + dt.timedelta(days=amount)
        assert deadline.due_at == at(day.year, day.month, day.day, 16, 0)
    else:
        working = [
            dt.date(2026, 12, 29),
            dt.date(2026, 12, 30),
            dt.date(2026, 12, 31),
            dt.date(2027, 1, 4),
            dt.date(2027, 1, 5),
            dt.date(2027, 1, 6),
            dt.date(2027, 1, 7),
            dt.date(2027, 1, 8),
            dt.date(2027, 1, 11),
            dt.date(2027, 1, 12),
        ]
        day = working[amount - 1]
        assert deadline.due_at == at(day.year, day.month, day.day, 16, 0)
