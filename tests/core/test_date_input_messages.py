"""The shared date input answers every kind of wrong date with the GOV.UK pattern's message,
marks the parts that are wrong, and the error summary links to the first wrong input."""

import datetime as dt
import re

import pytest
import time_machine
from django import forms
from django.template import Context, Template

from core.forms import GovukDateField, GovukForm
from core.templatetags.govuk import error_summary_items


class BirthForm(GovukForm):
    date_of_birth = GovukDateField(label="Date of birth", must_be="past")
    seen_on = GovukDateField(label="Date seen", required=False)
    outcome = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def _bound(day, month, year, **extra) -> BirthForm:
    return BirthForm(
        {
            "date_of_birth_0": day,
            "date_of_birth_1": month,
            "date_of_birth_2": year,
            "outcome": "a",
            **extra,
        }
    )


@pytest.mark.parametrize(
    "day,month,year,message,first_wrong",
    [
        ("", "", "", "Enter the date of birth", 0),
        ("", "3", "2015", "Date of birth must include a day", 0),
        ("27", "", "2015", "Date of birth must include a month", 1),
        ("27", "3", "", "Date of birth must include a year", 2),
        ("", "", "2015", "Date of birth must include a day and month", 0),
        ("27", "", "", "Date of birth must include a month and year", 1),
        ("x", "3", "2015", "Date of birth must be a real date", 0),
        ("27", "13", "2015", "Date of birth must be a real date", 1),
        ("27", "0", "2015", "Date of birth must be a real date", 1),
        ("27", "three", "2015", "Date of birth must be a real date", 1),
        ("32", "3", "2015", "Date of birth must be a real date", 0),
        ("31", "2", "2015", "Date of birth must be a real date", 0),
        ("²", "3", "2015", "Date of birth must be a real date", 0),
        ("27", "3", "15", "Year must include 4 numbers", 2),
        ("27", "3", "99999", "Year must include 4 numbers", 2),
        ("27", "3", "20x5", "Year must include 4 numbers", 2),
        ("27", "3", "1066", "Year must be between 1900 and 2999", 2),
        ("27", "3", "2099", "Date of birth must be in the past", 0),
    ],
)
@time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False)
def test_a_wrong_date_gets_the_govuk_message_linked_to_the_first_wrong_input(
    day, month, year, message, first_wrong
):
    form = _bound(day, month, year)

    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    assert (f"id_date_of_birth_{first_wrong}", message) in error_summary_items(form)
    assert "must be in 1..12" not in str(form.errors)


def test_python_words_never_reach_the_page_for_junk_in_every_part():
    for junk in ("99999", "-1", "1e3", "0x1F", " ", "١٢", "9" * 40, "<b>", "13.5"):
        for part in range(3):
            values = ["27", "3", "2015"]
            values[part] = junk
            form = _bound(*values)
            form.is_valid()
            text = str(form.errors)
            assert "out of range" not in text and "must be in" not in text, (junk, part, text)


def test_a_month_may_be_typed_as_a_name():
    form = _bound("27", "March", "2015")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2015, 3, 27)


def test_a_part_typed_into_an_optional_date_is_not_dropped_silently():
    form = _bound("27", "3", "2015", seen_on_0="4", seen_on_2="2026")
    assert not form.is_valid()
    assert form.errors["seen_on"] == ["Date seen must include a month"]
    assert ("id_seen_on_1", "Date seen must include a month") in error_summary_items(form)


def test_an_empty_optional_date_is_none():
    form = _bound("27", "3", "2015")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["seen_on"] is None


def test_only_the_wrong_input_is_highlighted_and_what_was_typed_is_kept():
    form = _bound("27", "13", "2015")
    assert not form.is_valid()
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    inputs = re.findall(r"<input[^>]*date_of_birth_\d[^>]*>", html)
    assert ["govuk-input--error" in tag for tag in inputs] == [False, True, False]
    assert ['value="27"' in inputs[0], 'value="13"' in inputs[1]] == [True, True]


def test_a_form_error_on_a_date_or_radios_links_to_their_first_input():
    form = BirthForm({"date_of_birth_0": "27", "date_of_birth_1": "3", "date_of_birth_2": "2015"})
    assert not form.is_valid()
    form.add_error("date_of_birth", "Date of birth must be after the referral")
    items = error_summary_items(form)
    assert ("id_outcome_1", "This field is required.") in items
    assert ("id_date_of_birth_0", "Date of birth must be after the referral") in items


def test_a_required_message_the_form_sets_after_building_the_field_is_the_one_shown():
    class HeldForm(GovukForm):
        held_on = GovukDateField(label="Date held")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["held_on"].error_messages["required"] = "Enter the date it was held"

    form = HeldForm({"held_on_0": "", "held_on_1": "", "held_on_2": ""})
    assert not form.is_valid()
    assert form.errors["held_on"] == ["Enter the date it was held"]
    # Without one, the GOV.UK default names the field.
    assert _bound("", "", "").errors["date_of_birth"] == ["Enter the date of birth"]
