"""A strategy discussion is a record of its own: when, who for which agency, the decision,
whether section 47 enquiries follow, next steps with owners and dates (issue 12)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mash import strategy
from mash.models import StrategyDiscussion
from mash.selectors import enquiry_timeline
from tests.mash.records import checks_requested, mash_contact


@pytest.fixture
def enquiry(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    contact = mash_contact(officer=screening_officer, senior=senior_practitioner, profile=havering)
    enquiry, _ = checks_requested(
        contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
    )
    return enquiry


def record(enquiry, by, **changes):
    fields = dict(
        held_at=timezone.now() - dt.timedelta(hours=1),
        attendees=[
            strategy.Attendee("Children's social care", "Sam Lee", "MASH manager"),
            strategy.Attendee("Police (CAIT)", "DS Nair", "Detective sergeant"),
        ],
        decision="Threshold for section 47 met.",
        section_47=True,
        actions=[strategy.Action("Joint visit", "Allocated social worker", dt.date(2026, 12, 1))],
    )
    return strategy.strategy_discussion_record(enquiry=enquiry, by=by, **{**fields, **changes})


def test_a_mash_worker_records_a_strategy_discussion_with_attendees_and_next_steps(
    enquiry, mash_social_worker
):
    discussion = record(enquiry, mash_social_worker)
    assert discussion.section_47 is True
    assert [(a.agency, a.name) for a in discussion.attendees.all()] == [
        ("Children's social care", "Sam Lee"),
        ("Police (CAIT)", "DS Nair"),
    ]
    action = discussion.actions.get()
    assert (action.owner, action.due_on) == ("Allocated social worker", dt.date(2026, 12, 1))
    assert discussion.history.first().history_user == mash_social_worker
    reasons = [e.reason for e in enquiry_timeline(enquiry)]
    assert any("Strategy discussion recorded (2 attending" in r for r in reasons)


def test_only_mash_staff_record_a_strategy_discussion(enquiry, team_manager, partner_user):
    for user in (team_manager, partner_user):
        with pytest.raises(PermissionDenied):
            record(enquiry, user)
    assert not StrategyDiscussion.objects.exists()


def test_a_strategy_discussion_needs_attendees_a_decision_and_the_section_47_answer(
    enquiry, mash_manager
):
    with pytest.raises(ValidationError) as raised:
        record(
            enquiry,
            mash_manager,
            attendees=[strategy.Attendee("", "Someone")],
            decision=" ",
            section_47=None,
            held_at=timezone.now() + dt.timedelta(days=1),
        )
    assert set(raised.value.message_dict) == {"attendees", "decision", "section_47", "held_at"}


def form_data(**changes):
    data = {
        "held_on_0": "28",
        "held_on_1": "11",
        "held_on_2": "2026",
        "held_time": "9:30am",
        "attendee_1_agency": "Police (CAIT)",
        "attendee_1_name": "DS Nair",
        "attendee_1_role": "Detective sergeant",
        "decision": "Section 47 enquiries to start today.",
        "section_47": "yes",
        "action_1_action": "Joint visit",
        "action_1_owner": "Allocated social worker",
        "action_1_due_on_0": "1",
        "action_1_due_on_1": "12",
        "action_1_due_on_2": "2026",
    }
    return {**data, **changes}


def test_the_page_records_it_and_the_enquiry_and_contact_show_it(
    client, enquiry, mash_social_worker
):
    client.force_login(mash_social_worker)
    url = reverse("mash:strategy_discussion_new", args=[enquiry.pk])
    assert "Record a strategy discussion" in client.get(url).content.decode()
    response = client.post(url, form_data())
    assert response.status_code == 302
    discussion = StrategyDiscussion.objects.get()
    assert timezone.localtime(discussion.held_at).hour == 9
    for page_url in (
        reverse("mash:enquiry", args=[enquiry.pk]),
        enquiry.contact.get_absolute_url(),
    ):
        page = client.get(page_url).content.decode()
        assert "Strategy discussions" in page
        assert "DS Nair" in page and "Joint visit" in page


def test_a_half_filled_attendee_or_next_step_is_named_next_to_its_field(
    client, enquiry, mash_social_worker
):
    client.force_login(mash_social_worker)
    response = client.post(
        reverse("mash:strategy_discussion_new", args=[enquiry.pk]),
        form_data(
            attendee_2_name="Joan Reilly",
            action_1_owner="",
            section_47="",
            held_time="25:99",
            decision="Kept what I typed",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter the agency of attendee 2" in page
    assert "Enter who will do next step 1" in page
    assert "Select yes if section 47 enquiries will follow" in page
    assert "Enter a real time, like 9:30am or 14:05" in page
    assert "Kept what I typed" in page
    assert not StrategyDiscussion.objects.exists()


def test_the_enquiry_page_reads_strategy_disagreements_and_reopened_decisions_only_when_held(
    client, enquiry, mash_social_worker
):
    tables = ("mash_strategydiscussion", "mash_disagreement", "mash_previousdecision")

    def tables_read():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("mash:enquiry", args=[enquiry.pk])).content.decode()
        return page, {
            t
            for q in queries
            for t in tables
            if q["sql"].startswith("SELECT") and f'FROM "{t}"' in q["sql"].split("EXISTS")[0]
        }

    client.force_login(mash_social_worker)
    page, read = tables_read()
    assert read == set() and "Strategy discussions" not in page
    record(enquiry, mash_social_worker)
    page, read = tables_read()
    assert read == {"mash_strategydiscussion"}
    assert "DS Nair" in page and "Joint visit" in page
