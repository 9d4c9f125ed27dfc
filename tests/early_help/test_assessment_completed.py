"""The family worker or duty manager records when the early help assessment was completed
(Ofsted Annex A list 2)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from early_help import family_work
from tests.factories import UserFactory, family_work_case, green_contact

OPENED = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(camden, screening_officer, senior_practitioner, early_help_manager, family_worker):
    with time_machine.travel(OPENED, tick=False):
        contact = green_contact(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        )
        return family_work_case(
            contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
        )


def test_the_family_worker_records_the_date_with_history(case, family_worker):
    family_work.family_work_record_assessment_completed(
        case=case, by=family_worker, completed_on=dt.date(2026, 11, 16)
    )

    case.refresh_from_db()
    assert case.assessment_completed_on == dt.date(2026, 11, 16)
    last = case.history.first()
    assert last.history_user == family_worker
    assert last.history_change_reason == "Early help assessment completed on 16 November 2026"


@pytest.mark.parametrize(
    "day,message",
    [
        (lambda: dt.date(2026, 11, 1), "before the case opened"),
        (lambda: timezone.localdate() + dt.timedelta(days=1), "future"),
    ],
)
def test_a_date_before_the_case_opened_or_in_the_future_is_refused(
    case, early_help_manager, day, message
):
    with pytest.raises(ValidationError, match=message):
        family_work.family_work_record_assessment_completed(
            case=case, by=early_help_manager, completed_on=day()
        )

    case.refresh_from_db()
    assert case.assessment_completed_on is None


def test_another_family_worker_and_front_door_staff_may_not_record_it(
    case, camden, senior_practitioner
):
    stranger = UserFactory(roles=[], team=case.team)
    for user in (stranger, senior_practitioner):
        with pytest.raises(PermissionDenied):
            family_work.family_work_record_assessment_completed(
                case=case, by=user, completed_on=dt.date(2026, 11, 16)
            )


def test_the_case_page_shows_the_date_and_its_change_link(client, case, family_worker):
    client.force_login(family_worker)
    url = reverse("early_help:case_assessment", args=[case.pk])

    response = client.post(
        url, {"completed_on_0": "16", "completed_on_1": "11", "completed_on_2": "2026"}
    )

    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Early help assessment completed" in page and "16 November 2026" in page
    assert url in page


@pytest.mark.parametrize(
    "parts",
    [("31", "2", "2026"), ("1", "1", "99999999999999999999"), ("", "", ""), ("a", "b", "c")],
)
def test_junk_dates_are_answered_on_the_page_keeping_the_typing(client, case, family_worker, parts):
    client.force_login(family_worker)

    response = client.post(
        reverse("early_help:case_assessment", args=[case.pk]),
        {f"completed_on_{i}": part for i, part in enumerate(parts)},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "govuk-error-message" in body
    assert f'value="{parts[2]}"' in body or not parts[2]


def test_a_date_before_the_case_opened_is_shown_next_to_the_field(client, case, family_worker):
    client.force_login(family_worker)

    response = client.post(
        reverse("early_help:case_assessment", args=[case.pk]),
        {"completed_on_0": "1", "completed_on_1": "1", "completed_on_2": "2026"},
    )

    body = response.content.decode()
    assert 'href="#id_completed_on' in body and "before the case opened" in body
