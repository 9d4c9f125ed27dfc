"""The fast form renderer writes what Django's widget templates write, character for character."""

from decimal import Decimal
from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core import form_renderer
from core.form_renderer import FastDjangoTemplates

AWKWARD_VALUES = [
    None,
    "",
    "plain",
    "  padded  ",
    "<script>alert('x')</script> & \"quotes\"",
    mark_safe("<b>already safe</b>"),
    gettext_lazy("lazy <text>"),
    0,
    -12,
    Decimal("3.50"),
    2.5,
    True,
    False,
    (1, "two"),
    ["a", "b"],
    "line one\r\nline two\n",
    "\u00e9\u00e8 \U0001f600 \x00 null",
    "x" * 5000,
]

AWKWARD_ATTRS = [
    {},
    {"class": "govuk-input", "id": "id_x", "required": True, "disabled": False},
    {"aria-describedby": "a-hint a-error", "data-x": '"><script>', "maxlength": 100},
    {"autocomplete": mark_safe("off"), "spellcheck": "false", "rows": 5},
    {"placeholder": gettext_lazy("lazy <placeholder>"), "step": Decimal("0.01")},
]

INPUT_WIDGETS = [
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
]


def both(widget, value, attrs=None):
    fast = widget.render("the-field", value, attrs=attrs, renderer=FastDjangoTemplates())
    django = widget.render("the-field", value, attrs=attrs, renderer=DjangoTemplates())
    return fast, django


@pytest.mark.parametrize("widget_class", INPUT_WIDGETS)
@pytest.mark.parametrize("value", AWKWARD_VALUES, ids=repr)
@pytest.mark.parametrize("attrs", AWKWARD_ATTRS, ids=repr)
def test_inputs_match_djangos_template_for_awkward_values_and_attributes(
    widget_class, value, attrs
):
    fast, django = both(widget_class(attrs={"class": "from-the-widget"}), value, attrs)
    assert fast == django


@pytest.mark.parametrize("value", AWKWARD_VALUES, ids=repr)
@pytest.mark.parametrize("attrs", AWKWARD_ATTRS, ids=repr)
def test_textareas_match_djangos_template(value, attrs):
    fast, django = both(forms.Textarea(), value, attrs)
    assert fast == django


SELECT_CHOICES = [
    [],
    [("", "Select one"), ("a", "Apple"), ("b", "<b>Bread</b> & butter")],
    [(1, "One"), (2, gettext_lazy("Two")), (3, mark_safe("<i>Three</i>"))],
    [("Fruit", [("a", "Apple"), ("p", "Pear")]), ("Veg", [("c", "Carrot")]), ("x", "Loose")],
    [(gettext_lazy("Lazy <group>"), [("1", "One")]), ("", "Blank")],
    [
        (None, "None as a value"),
        (True, "True"),
        (False, "False"),
        (Decimal("1.5"), "one and a half"),
    ],
]


@pytest.mark.parametrize("choices", SELECT_CHOICES, ids=repr)
@pytest.mark.parametrize(
    "value", [None, "", "a", "p", 1, "1", 2, ["a", "c"], True, "<script>"], ids=repr
)
@pytest.mark.parametrize("attrs", AWKWARD_ATTRS, ids=repr)
@pytest.mark.parametrize("widget_class", [forms.Select, forms.SelectMultiple])
def test_selects_match_djangos_template_including_groups_and_selected_options(
    widget_class, choices, value, attrs
):
    fast, django = both(widget_class(choices=choices), value, attrs)
    assert fast == django


@pytest.mark.parametrize(
    "value", [None, "", True, False, "true", "false", "2", "3", "junk"], ids=repr
)
def test_yes_no_unknown_selects_match_djangos_template(value):
    fast, django = both(forms.NullBooleanSelect(), value)
    assert fast == django


def test_a_label_that_is_not_a_string_is_left_to_djangos_template():
    widget = forms.Select(choices=[(1, 1), (2, Decimal("2.50")), (3, None)])
    fast, django = both(widget, 2)
    assert fast == django
    assert '<option value="2" selected>2.50</option>' in fast


def test_a_callable_value_is_left_to_djangos_template_which_calls_it():
    class Called:
        def __call__(self):
            return "called"

        def __str__(self):
            return "not called"

    for widget in (forms.TextInput(), forms.Textarea()):
        fast, django = both(widget, Called())
        assert fast == django
        assert "called" in fast


def test_an_option_with_its_own_template_is_left_to_djangos_template():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    fast, django = both(Custom(choices=[("a", "A")]), "a")
    assert fast == django


class _NoTemplates(FastDjangoTemplates):
    def get_template(self, template_name):
        raise AssertionError(f"loaded {template_name}")


def test_inputs_textareas_and_selects_are_written_without_loading_a_template():
    renderer = _NoTemplates()
    for widget in [
        *(w() for w in INPUT_WIDGETS),
        forms.Textarea(),
        forms.Select(choices=[("a", "A")]),
    ]:
        assert widget.render("f", "a", renderer=renderer)


def test_other_widgets_still_use_djangos_templates():
    renderer = _NoTemplates()
    for widget in (
        forms.RadioSelect(choices=[("a", "A")]),
        forms.CheckboxInput(),
        forms.FileInput(),
    ):
        with pytest.raises(AssertionError, match="loaded"):
            widget.render("f", "a", renderer=renderer)


def test_no_app_overrides_a_widget_template_the_fast_path_writes_itself():
    """An app's own ``django/forms/widgets/text.html`` would be ignored by the fast path:
    the templates it replaces must be Django's."""
    django_templates = Path(django.forms.__file__).parent / "templates"
    names = form_renderer.REPLACED_TEMPLATES
    renderer = DjangoTemplates()
    for name in sorted(names):
        origin = Path(renderer.get_template(name).origin.name)
        assert origin.is_relative_to(django_templates), f"{name} comes from {origin}"


def test_the_service_renders_forms_with_the_fast_path_and_the_suite_checks_it():
    from django.forms.renderers import get_default_renderer

    from contact_service.settings import base
    from tests.core.form_renderer_check import CheckedFastDjangoTemplates

    assert base.FORM_RENDERER == "core.form_renderer.FastDjangoTemplates"
    assert isinstance(get_default_renderer(), CheckedFastDjangoTemplates)
    assert isinstance(forms.Form().renderer, CheckedFastDjangoTemplates)


def test_the_suites_check_fails_a_widget_the_fast_path_writes_differently(monkeypatch):
    from tests.core.form_renderer_check import CheckedFastDjangoTemplates, FastPathDiffers

    monkeypatch.setattr(form_renderer, "_input", lambda widget: '<input name="other">')

    with pytest.raises(FastPathDiffers, match="text.html"):
        forms.TextInput().render("f", "a", renderer=CheckedFastDjangoTemplates())
