"""The daily discussion: borderline contacts on each working day's agenda, decisions minuted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Team
from mash import services
from mash.models import DiscussionItem
from referrals import rating
from referrals import services as contacts
from referrals.models import ContactStatus, Referral
from tests.factories import PersonFactory, complete_contact
from thresholds.models import ClockKind, Deadline


def for_discussion(officer, senior, profile, borderline="amber_green"):
    contact = complete_contact(by=officer, children=[PersonFactory()])
    contacts.contact_submit(contact=contact, by=officer, profile=profile)
    contacts.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Trajectory unclear",
        outcome="daily_discussion",
        borderline=borderline,
    )
    return DiscussionItem.objects.get(contact=contact)


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 23)),  # a Monday: today's discussion
        (dt.date(2026, 11, 28), dt.date(2026, 11, 30)),  # a Saturday: Monday's
        (dt.date(2026, 12, 25), dt.date(2026, 12, 29)),  # Christmas: after Boxing Day (observed)
    ],
)
def test_contacts_join_the_next_working_days_discussion(db, day, expected):
    assert services.next_discussion_date(day) == expected


def test_rating_for_the_daily_discussion_puts_the_contact_on_the_agenda_with_its_clock(
    camden, screening_officer, senior_practitioner
):
    item = for_discussion(screening_officer, senior_practitioner, camden)
    assert item.reason == "amber_green" and not item.is_decided
    assert Deadline.objects.filter(
        contact=item.contact, kind=ClockKind.BORDERLINE, met_at__isnull=True
    ).exists()


def test_decision_needs_attendees_then_routes_and_meets_the_clock(
    camden, screening_officer, senior_practitioner, mash_manager, team_manager
):
    item = for_discussion(screening_officer, senior_practitioner, camden)
    team = Team.objects.get(name="Children in Need Team B")
    with pytest.raises(ValidationError, match="attended"):
        services.discussion_decide(
            item=item,
            by=mash_manager,
            profile=camden,
            outcome="social_work_referral",
            rationale="CIN",
            team=team,
            assessment_type="cfa",
        )
    services.discussion_record_attendees(
        discussion=item.discussion,
        by=mash_manager,
        attendees=[mash_manager, team_manager],
        other_attendees="FSEH team manager",
    )
    services.discussion_decide(
        item=item,
        by=mash_manager,
        profile=camden,
        outcome="social_work_referral",
        rationale="Child in need: assessment needed",
        team=team,
        assessment_type="cfa",
    )
    item.refresh_from_db()
    assert item.decision == "social_work_referral" and item.decided_by == mash_manager
    contact = item.contact
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK
    assert Referral.objects.get(contact=contact).team == team
    assert Deadline.objects.get(contact=contact, kind=ClockKind.BORDERLINE).met_at is not None
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.REFERRER_TOLD).exists()
    assert set(item.discussion.history.first().attendees.values_list("user_id", flat=True)) >= set()


def test_a_decision_is_minuted_once(camden, screening_officer, senior_practitioner, mash_manager):
    item = for_discussion(screening_officer, senior_practitioner, camden)
    services.discussion_record_attendees(
        discussion=item.discussion, by=mash_manager, attendees=[mash_manager], other_attendees=""
    )
    services.discussion_decide(
        item=item, by=mash_manager, profile=camden, outcome="early_help", rationale="Family agrees"
    )
    with pytest.raises(ValidationError):
        services.discussion_decide(
            item=item, by=mash_manager, profile=camden, outcome="mash", rationale="Again"
        )


def test_only_the_mash_manager_minutes(camden, screening_officer, senior_practitioner):
    item = for_discussion(screening_officer, senior_practitioner, camden)
    with pytest.raises(PermissionDenied):
        services.discussion_record_attendees(
            discussion=item.discussion, by=senior_practitioner, attendees=[], other_attendees="x"
        )


def test_agenda_page_lists_the_days_contacts_and_minutes_through_the_browser_forms(
    client, camden, screening_officer, senior_practitioner, mash_manager
):
    item = for_discussion(screening_officer, senior_practitioner, camden, borderline="red_amber")
    day = item.discussion.date.isoformat()
    client.force_login(mash_manager)
    page = client.get(reverse("mash:discussion", args=[day])).content.decode()
    assert item.contact.reference in page and "Borderline red or amber" in page
    error = client.post(reverse("mash:discussion_attendees", args=[day]), {}).content.decode()
    assert "Select who attended" in error
    assert item.contact.reference in error  # the agenda stays on the page with the error
    client.post(
        reverse("mash:discussion_attendees", args=[day]),
        {"attendees": [mash_manager.pk], "other_attendees": ""},
    )
    response = client.post(
        reverse("mash:discussion_decide", args=[item.pk]),
        {"outcome": "mash", "rationale": "Escalate: CP concerns emerged"},
    )
    assert response.status_code == 302
    item.contact.refresh_from_db()
    assert item.contact.status == ContactStatus.WITH_MASH


def test_today_redirects_to_the_next_working_day(client, mash_manager):
    client.force_login(mash_manager)
    response = client.get(reverse("mash:discussion_today"))
    assert response.status_code == 302 and "/daily-discussion/20" in response.url


def test_bad_date_is_not_found(client, mash_manager):
    client.force_login(mash_manager)
    assert client.get("/daily-discussion/2026-02-31/").status_code == 404
