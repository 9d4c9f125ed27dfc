"""The form renderer: Django's own, with its commonest widget templates in Python.

Every field on every page renders its widget through ``FORM_RENDERER``. Django's
renderer runs a template for each ``<input>``, ``<textarea>`` and ``<select>`` (and
one more per ``<option>`` and per attribute list): on a form of twenty-odd fields
that is over a third of the time the page takes in Python. ``FastDjangoTemplates``
writes those few templates' output directly and gives everything else (radios,
checkboxes, files, multi-widgets, any template it does not know) to Django.

The output is the templates' output byte for byte: the same escaping (safe strings
kept, everything else escaped), the same ``stringformat:'s'`` of values, the same
treatment of ``True``/``False`` attributes, the same whitespace, the same final
``strip()``. The test suite renders every widget it shows both ways and fails on a
difference (``tests/core/form_renderer_check.py``), and ``tests/core/test_form_renderer.py``
compares the two on hand-made widgets with awkward values. Anything the
fast path cannot reproduce with certainty (a value or attribute that the template
language would call, a label that is not a string) goes to Django's templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(
    _WIDGETS + name + ".html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "tel",
        "hidden",
        "password",
        "search",
        "url",
        "date",
        "time",
        "datetime",
        "color",
    )
)
_TEXTAREA = _WIDGETS + "textarea.html"
_SELECT = _WIDGETS + "select.html"
_OPTION = _WIDGETS + "select_option.html"
# The widget templates whose output this module writes itself (the option's inside the select's).
WRITTEN_TEMPLATES = _INPUTS | {_TEXTAREA, _SELECT}
REPLACED_TEMPLATES = WRITTEN_TEMPLATES | {_OPTION}


class _Fallback(Exception):
    """The fast path cannot be sure of matching the template: use the template."""


def _text(value):
    """``{{ value }}`` for a string: escaped unless already safe (a lazy string is
    translated first). Any other type goes to the template, whose localisation of
    numbers and dates this does not reproduce."""
    if isinstance(value, str):
        return value if isinstance(value, SafeData) else escape(value)
    if isinstance(value, Promise):
        return escape(str(value))
    raise _Fallback


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: ``'%s' % value`` (a tuple as one string),
    kept unescaped only when the value itself was safe."""
    if callable(value):
        raise _Fallback  # the template language would call it
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(" " + _text(name))
        else:
            parts.append(" " + _text(name) + '="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget):
    value = widget["value"]
    shown = "" if value is None else ' value="' + _formatted(value) + '"'
    return (
        '<input type="'
        + _text(widget["type"])
        + '" name="'
        + _text(widget["name"])
        + '"'
        + shown
        + _attrs(widget["attrs"])
        + ">"
    )


def _textarea(widget):
    value = widget["value"]
    if callable(value):
        raise _Fallback
    body = _text(value) if value else ""
    return (
        '<textarea name="'
        + _text(widget["name"])
        + '"'
        + _attrs(widget["attrs"])
        + ">\n"
        + body
        + "</textarea>"
    )


def _select(widget):
    parts = ['<select name="', _text(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _text(group_name) + '">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                raise _Fallback
            parts.append(
                '\n  <option value="'
                + _formatted(option["value"])
                + '"'
                + _attrs(option["attrs"])
                + ">"
                + _text(option["label"])
                + "</option>\n"  # select_option.html ends with a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastDjangoTemplates(DjangoTemplates):
    """``django.forms.renderers.DjangoTemplates`` with input, textarea and select
    widgets written in Python (see the module's docstring)."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUTS:
            build = _input
        elif template_name == _TEXTAREA:
            build = _textarea
        elif template_name == _SELECT:
            build = _select
        else:
            return super().render(template_name, context, request=request)
        try:
            return mark_safe(build(context["widget"]).strip())  # noqa: S308 - every part escaped above
        except _Fallback:
            return super().render(template_name, context, request=request)
