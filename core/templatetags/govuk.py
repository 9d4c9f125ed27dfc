"""Template filters for the GOV.UK style: dates and times in Europe/London, "24 November 2026 at 3:05pm"."""

import datetime as dt

from django import forms, template
from django.utils import timezone

from core.text import lower_in_sentence, plural

register = template.Library()


@register.filter
def lower_sentence(value) -> str:
    """A label lower-cased to sit in a sentence, acronyms kept: 'everything with the MASH'."""
    return lower_in_sentence(value) if value is not None else ""


@register.filter
def count_of(count, nouns: str) -> str:
    """'1 MERLIN report' / '2 MERLIN reports': `{{ n|count_of:"MERLIN report" }}`, or with an
    irregular plural `{{ n|count_of:"query,queries" }}`."""
    singular, _, plural_form = str(nouns).partition(",")
    return plural(int(count or 0), singular, plural_form or None)


def _format_time(value: dt.datetime) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    return f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_datetime(value: dt.datetime | None) -> str:
    """24 November 2026 at 3:05pm, in the service's time zone."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.day} {local:%B %Y} at {_format_time(local)}"


@register.filter
def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """24 November 2026."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_when(value) -> str:
    """A date or a date and time, or the ISO text of one (as a disclosure holds it), in the
    GOV.UK style; anything else as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return govuk_date(parsed) if len(value) == 10 else govuk_datetime(parsed)
    if isinstance(value, dt.datetime):
        return govuk_datetime(value)
    if isinstance(value, dt.date):
        return govuk_date(value)
    return str(value)


@register.filter
def govuk_time(value: dt.datetime | None) -> str:
    if not value:
        return ""
    return _format_time(timezone.localtime(value) if timezone.is_aware(value) else value)


@register.filter
def nhs_number_display(value: str | None) -> str:
    """An NHS number in its spoken groups: 943 476 5919."""
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 10:
        return value
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


@register.filter
def get_item(mapping: dict, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None


@register.filter
def age_today(person) -> str:
    """A person's age in whole years today (London date)."""
    age = person.age_on(timezone.localdate())
    return "" if age is None else f"{age} year{'s' if age != 1 else ''}"


def _first_input_id(bound_field) -> str:
    """The id of the input a summary link should focus: the first of a date, radios or boxes."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        # The GOV.UK radios and checkboxes templates number their options from 1.
        return f"{bound_field.auto_id}_1"
    return bound_field.id_for_label or bound_field.auto_id


@register.filter
def error_summary_items(form) -> list[tuple[str, str]]:
    """(input id, message) for the GOV.UK error summary, each message once.

    A date's message links to the first of its day, month and year inputs that is wrong
    (GovukDateField marks them); radios and checkboxes link to their first option, since the
    field's own id names no element a link could focus.
    """
    items: list[tuple[str, str]] = []
    visible = form.visible_fields()
    for error in form.non_field_errors():
        items.append((_first_input_id(visible[0]) if visible else "", error))
    for bound_field in visible:
        seen: set[str] = set()
        for index, sub in enumerate(getattr(bound_field.field, "fields", ())):
            for error in getattr(sub.widget, "errors", None) or ():
                if str(error) not in seen and str(error) in bound_field.errors:
                    seen.add(str(error))
                    items.append((f"{bound_field.auto_id}_{index}", str(error)))
        for error in bound_field.errors:
            if str(error) not in seen:
                seen.add(str(error))
                items.append((_first_input_id(bound_field), str(error)))
    return items


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "page") -> str:
    """This page's address with `param` set to another page number, the other parameters
    (filters, sort, another table's page) kept: for a page with more than one paged list."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
