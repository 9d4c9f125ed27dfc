"""The set-based sweep words its notices, emails and history exactly as the Python helpers do."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from accounts.messages import render_message
from accounts.models import MessagePurpose, Notification, OutboundEmail
from core.templatetags.govuk import govuk_datetime
from tests.factories import PersonFactory, complete_contact
from thresholds import services, sweep
from thresholds.models import ClockKind, Deadline

LONDON = ZoneInfo("Europe/London")


def test_the_sql_date_reads_as_govuk_datetime_in_winter_summer_midday_and_midnight(db):
    # Every 37 minutes for a year: both sides of both clock changes, every hour and minute.
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, " + sweep._govuk_datetime_sql("t") + " FROM generate_series("
            "%(start)s::timestamptz, %(start)s::timestamptz + interval '1 year', "
            "interval '37 minutes') t",
            {"start": start, "tz": "Europe/London"},
        )
        rows = cursor.fetchall()
    assert len(rows) > 14_000
    wrong = [(t, text) for t, text in rows if text != govuk_datetime(t)]
    assert wrong == []
    assert {"midday", "midnight"} <= {text.rsplit(" at ", 1)[1] for _, text in rows}


@pytest.mark.parametrize("statements", ["set-based", "row by row"])
def test_breach_and_due_soon_notices_read_as_they_always_have(
    camden,
    screening_officer,
    social_work_team,
    managers,
    senior_practitioner,
    monkeypatch,
    statements,
):
    if statements == "row by row":  # as on the embedded demo's SQLite (`make run`)
        monkeypatch.setattr(sweep, "set_based", lambda: False)
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    # Red checks: four clock hours, due at midday in summer time.
    started = dt.datetime(2026, 6, 10, 8, 0, tzinfo=LONDON)
    breached = services.deadline_start(
        profile=camden,
        kind=ClockKind.RED_CHECKS,
        by=None,
        contact=contact,
        team=social_work_team,
        started_at=started,
    )
    other = complete_contact(by=screening_officer, children=[PersonFactory()])
    warned = services.deadline_start(
        profile=camden,
        kind=ClockKind.RED_CHECKS,
        by=None,
        contact=other,
        responsible=senior_practitioner,
        started_at=started + dt.timedelta(hours=1),
    )
    # A clock about no contact names none and links nowhere.
    loose = Deadline.objects.create(
        kind=ClockKind.DISAGREEMENT,
        team=social_work_team,
        started_at=started,
        due_at=started + dt.timedelta(hours=1),
        warn_at=started,
    )
    now = breached.due_at + dt.timedelta(minutes=1)
    assert warned.warn_at <= now < warned.due_at

    result = services.deadline_sweep(now=now)

    assert (result.breached, result.due_soon) == (2, 1)
    assert govuk_datetime(breached.due_at) == "10 June 2026 at midday"
    overdue = Notification.objects.filter(url=contact.get_absolute_url(), title__startswith="O")
    assert {(n.title, n.body) for n in overdue} == {
        (
            f"Overdue: Red: partner checks and decision for contact {contact.reference}",
            "This clock was due 10 June 2026 at midday.",
        )
    }
    assert {n.user for n in overdue} == set(managers)
    [soon] = Notification.objects.filter(user=senior_practitioner)
    assert (soon.title, soon.body, soon.url) == (
        f"Due soon: Red: partner checks and decision for contact {other.reference}",
        "Due 10 June 2026 at 1:00pm.",
        other.get_absolute_url(),
    )
    nowhere = set(Notification.objects.filter(url="").values_list("title", "body"))
    assert nowhere == {
        (
            "Overdue: Disagreement with a MASH decision resolved",
            f"This clock was due {govuk_datetime(loose.due_at)}.",
        )
    }
    # Emails for the breaches only, worded by the notification template, about the notice.
    expected = render_message(
        MessagePurpose.NOTIFICATION,
        {"title": overdue[0].title, "body": overdue[0].body, "url": overdue[0].url},
    )
    emails = OutboundEmail.objects.filter(object_id__in=[n.pk for n in overdue])
    assert {(e.to, e.subject) for e in emails} == {(m.email, expected.subject) for m in managers}
    assert expected.body.split("\n")[0] in emails[0].body
    assert OutboundEmail.objects.count() == 2 * 2
    reasons = {
        h.id: h.history_change_reason
        for h in Deadline.history.filter(history_type="~", history_user=None)
    }
    assert reasons == {
        breached.pk: "Deadline breached: was due 10 June 2026 at midday",
        loose.pk: f"Deadline breached: was due {govuk_datetime(loose.due_at)}",
        warned.pk: "Deadline due soon",
    }
    # Every notice and email has its history row, as notify() writes it.
    notices = Notification.history.filter(history_change_reason="Notification raised")
    assert notices.count() == Notification.objects.count() == 2 * 2 + 1
    queued = OutboundEmail.history.filter(history_change_reason="Queued: notification")
    assert queued.count() == 4
