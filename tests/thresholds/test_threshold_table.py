"""Camden's threshold table: the data migration, its selector, the admin and the include."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.enums import RatingOutcome
from thresholds.models import ClosureDay, ThresholdIndicator, ThresholdLevel
from thresholds.selectors import closure_dates, threshold_levels

pytestmark = pytest.mark.django_db

NAMES = ["Universal", "Early help", "Child in need", "Child protection"]


def indicators(number: int) -> list[str]:
    return list(
        ThresholdIndicator.objects.filter(level__number=number)
        .order_by("order")
        .values_list("text", flat=True)
    )


def test_table_has_the_four_levels_in_order_with_their_names():
    levels = list(ThresholdLevel.objects.order_by("number"))
    assert [(level.number, level.name) for level in levels] == list(enumerate(NAMES, start=1))
    for level in levels:
        assert level.description.startswith(f"Level {level.number}: ")


def test_level_two_has_ten_indicators_of_which_two_or_more_must_be_present():
    level = ThresholdLevel.objects.get(number=2)
    assert level.indicators.count() == 10
    assert "Two or more of the indicators listed here need to be present." in level.description


@pytest.mark.parametrize(
    "number, text",
    [
        (
            1,
            "Children living in stable families where parents are able to meet all the child’s needs.",
        ),
        (2, "Young carers."),
        (
            3,
            "Children with high levels of emotional difficulties who may need a service from CAMHS.",
        ),
        (
            4,
            "Children who may be at risk due to trafficking, sexual exploitation, forced marriage "
            "or FGM.",
        ),
    ],
)
def test_each_level_has_a_known_indicator_verbatim(number, text):
    assert text in indicators(number)


def test_level_one_description_has_the_typo_corrected():
    description = ThresholdLevel.objects.get(number=1).description
    assert "met through a single universal service." in description
    assert " niversal" not in description


def test_levels_three_and_four_describe_youth_offending_cases():
    for number in (3, 4):
        assert (
            "For youth offending cases, children"
            in ThresholdLevel.objects.get(number=number).description
        )


def test_level_four_response_asks_for_written_follow_up_within_48_hours():
    response = ThresholdLevel.objects.get(number=4).response
    assert (
        "make a child protection referral to the MASH by telephone and follow up with a written "
        "referral within 48 hours." in response
    )
    assert response.split("\n\n")[1] == (
        "Where there are high levels of concern around radicalisation, the Police must be informed."
    )


def test_responses_are_whitespace_normalised_paragraphs():
    for level in ThresholdLevel.objects.all():
        for paragraph in level.response.split("\n\n"):
            assert paragraph and paragraph == " ".join(paragraph.split())


def test_threshold_levels_takes_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        levels = threshold_levels()
        counts = [len(level.indicators.all()) for level in levels]
    assert [level.number for level in levels] == [1, 2, 3, 4]
    assert counts == [3, 10, 7, 5]
    assert levels[1].indicators.all()[3].text == "Young carers."


def test_seed_runs_twice_without_duplicating_rows():
    from importlib import import_module

    from django.apps import apps

    import_module("thresholds.migrations.0006_threshold_table").seed(apps, None)
    assert ThresholdLevel.objects.count() == 4
    assert ThresholdIndicator.objects.count() == 25


# --- admin ------------------------------------------------------------------------------


def test_threshold_level_admin_pages_load(admin_client):
    level = ThresholdLevel.objects.get(number=2)
    changelist = admin_client.get(reverse("admin:thresholds_thresholdlevel_changelist"))
    change = admin_client.get(reverse("admin:thresholds_thresholdlevel_change", args=[level.pk]))
    assert changelist.status_code == 200
    assert change.status_code == 200
    assert "Young carers." in change.content.decode()


def test_council_profile_admin_shows_outcomes_as_checkboxes(admin_client, camden):
    changelist = admin_client.get(reverse("admin:thresholds_councilprofile_changelist"))
    change = admin_client.get(reverse("admin:thresholds_councilprofile_change", args=[camden.pk]))
    assert changelist.status_code == 200
    assert change.status_code == 200
    html = change.content.decode()
    for code in RatingOutcome.values:
        assert f'type="checkbox" name="outcomes" value="{code}"' in html
    assert 'value="mash" id="id_outcomes_0" checked' in html
    assert 'value="no_further_action" id="id_outcomes_5" checked' not in html
    assert 'name="timescales-TOTAL_FORMS"' in html


def _post_data_from(response) -> dict:
    """The change form's current values, as the browser would post them unchanged."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None:
                value = ""
            if value is False:
                continue
            data[field.html_name] = value
    return data


def test_saving_council_profile_admin_stores_exactly_the_ticked_outcomes(admin_client, camden):
    url = reverse("admin:thresholds_councilprofile_change", args=[camden.pk])
    timescales = sorted(camden.timescales.values_list("kind", "amount", "unit"))
    data = _post_data_from(admin_client.get(url))
    # Ticked out of RatingOutcome order: stored in RatingOutcome order.
    data["outcomes"] = ["no_further_action", "mash"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    camden.refresh_from_db()
    assert camden.outcomes == ["mash", "no_further_action"]
    assert sorted(camden.timescales.values_list("kind", "amount", "unit")) == timescales


def test_closure_day_changelist_loads(admin_client):
    assert admin_client.get(reverse("admin:thresholds_closureday_changelist")).status_code == 200


def test_deadlines_are_case_data_a_superuser_lists_only_under_a_break_glass(
    admin_client, admin_user
):
    from accounts.break_glass import break_glass_start

    url = reverse("admin:thresholds_deadline_changelist")
    assert admin_client.get(url).status_code == 403
    break_glass_start(user=admin_user, reason="Investigating a stuck clock")
    assert admin_client.get(url).status_code == 200


def test_deadlines_cannot_be_added_in_admin(admin_client):
    assert admin_client.get(reverse("admin:thresholds_deadline_add")).status_code == 403


def test_closure_dates_are_every_closure_day():
    before = set(ClosureDay.objects.values_list("date", flat=True))
    ClosureDay.objects.create(date=date(2030, 12, 24), reason="Christmas Eve closure")
    ClosureDay.objects.create(date=date(2030, 12, 31), reason="New Year's Eve closure")
    assert closure_dates() == frozenset(before | {date(2030, 12, 24), date(2030, 12, 31)})


# --- include ----------------------------------------------------------------------------


def test_include_renders_every_level():
    html = render_to_string(
        "thresholds/includes/_threshold_table.html", {"levels": threshold_levels()}
    )
    for number, name in enumerate(NAMES, start=1):
        assert f"Level {number}: {name}" in html
    assert html.count('<details class="govuk-details">') == 4
    assert "<li>Young carers.</li>" in html
    assert "<p>Where there are high levels of concern around radicalisation" in html
