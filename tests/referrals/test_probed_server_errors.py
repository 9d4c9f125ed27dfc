"""Inputs found by probing the running app that once gave a server error: each gets a message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.forms import PersonForm, PersonSearchForm
from referrals.merlin import services as merlin
from referrals.merlin.models import MerlinReport
from tests.factories import PersonFactory, complete_contact

from .merlin_helpers import GOOD_CSV, HEADER, report

pytestmark = pytest.mark.django_db

TWENTY_DIGITS = "99999999999999999999"


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        (TWENTY_DIGITS, "1", "2015", "Date of birth must be a real date"),
        ("1", TWENTY_DIGITS, "2015", "Date of birth must be a real date"),
        ("1", "1", TWENTY_DIGITS, "Year must include 4 numbers"),
        ("1", "1", "0", "Year must include 4 numbers"),
        ("1", "1", "10000", "Year must include 4 numbers"),
        ("1", "1", "0001", "Year must be between 1900 and 2999"),
        ("31", "2", "2015", "Date of birth must be a real date"),
        ("0", "0", "2015", "Date of birth must be a real date"),
    ],
)
def test_a_date_that_cannot_be_is_a_field_message(day, month, year, message):
    form = PersonSearchForm(
        {"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year}
    )
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]


def test_a_real_date_still_parses():
    form = PersonForm(
        {
            "first_name": "Ava",
            "last_name": "Smith",
            "date_of_birth_0": "29",
            "date_of_birth_1": "02",
            "date_of_birth_2": "2016",
            "sex": "F",
            "ethnicity": "NOBT",
            "interpreter_needed": "no",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2016, 2, 29)


def test_twenty_digit_date_parts_on_every_date_page_answer_with_the_page(client, screening_officer):
    client.force_login(screening_officer)
    person = PersonFactory()
    draft = complete_contact(by=screening_officer, children=[PersonFactory()])
    huge = {f"date_of_birth_{i}": TWENTY_DIGITS for i in range(3)}
    search = client.get(reverse("referrals:person_search"), {"search": "1", **huge})
    assert search.status_code == 200
    assert "Year must include 4 numbers" in search.text
    received = {f"received_date_{i}": TWENTY_DIGITS for i in range(3)}
    pages = [
        (reverse("referrals:contact_start"), {**received, "received_time": "9am"}),
        (reverse("referrals:contact_section", args=[draft.pk, "details"]), received),
        (reverse("referrals:contact_new_person", args=[draft.pk]) + "?role=child", huge),
        (reverse("referrals:person_edit", args=[person.pk]), huge),
    ]
    for url, data in pages:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert "govuk-error-summary" in response.text, url


@pytest.mark.parametrize(
    "url",
    [
        reverse("mash:discussion", args=["9999-12-31"]),
        reverse("mash:discussion", args=["0001-01-01"]),
        reverse("mash:discussion_attendees", args=["9999-12-31"]),
        reverse("early_help:panel", args=["0001-01-02"]),
        reverse("early_help:panel", args=["9999-12-31"]),
        reverse("early_help:panel_attendees", args=["0001-01-02"]),
    ],
)
def test_a_meeting_day_at_the_ends_of_the_calendar_is_not_found(
    client, mash_manager, early_help_manager, url
):
    client.force_login(mash_manager if "discussion" in url else early_help_manager)
    response = client.post(url) if "attendees" in url else client.get(url)
    assert response.status_code == 404


def test_a_reference_that_grows_when_capitalised_is_refused_by_its_length(camden, partner_user):
    with pytest.raises(ValidationError) as raised:
        merlin.merlin_submit(by=partner_user, profile=camden, data=report("ß" * 30))
    assert raised.value.message_dict["reference"] == ["Use 30 characters or fewer"]
    assert MerlinReport.objects.count() == 0


def test_the_merlin_form_tells_the_officer_the_capitalised_reference_is_too_long(
    client, camden, partner_user, settings
):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    response = client.post(
        reverse("referrals:merlin_new"),
        {
            "reference": "ß" * 30,
            "police_rag": "red",
            "incident_date": "01/03/2025",
            "incident_time": "21:30",
            "category": "other",
            "safeguarding_concerns": "yes",
            "summary": "Found wandering",
            "decision_maker_name": "Jo",
            "decision_maker_rank": "DS",
            "signed_off": "on",
            "child1_first_name": "Zed",
            "child1_last_name": "Formchild",
        },
    )
    assert response.status_code == 200
    assert "Use 30 characters or fewer" in response.text


def _upload(client, raw: bytes):
    return client.post(
        reverse("referrals:merlin_upload"),
        {"file": SimpleUploadedFile("m.csv", raw, content_type="text/csv")},
    )


def test_a_nul_byte_in_a_merlin_csv_names_its_row_and_column(
    client, camden, partner_user, settings
):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    raw = GOOD_CSV.replace("Group causing damage", "Group\x00causing damage").encode()
    response = _upload(client, raw)
    assert response.status_code == 200
    assert "Row 6, column summary: remove the NUL character" in response.text
    assert MerlinReport.objects.count() == 0


def test_a_value_beyond_the_csv_field_limit_names_its_row(client, camden, partner_user, settings):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(partner_user)
    row = "A,red,2025-01-01,,other,no," + "s" * 140_000 + ",n,r,yes,child,A,B,,,,\n"
    response = _upload(client, (HEADER + row).encode())
    assert response.status_code == 200
    assert "Row 2: a value is far too long" in response.text
    assert MerlinReport.objects.count() == 0
