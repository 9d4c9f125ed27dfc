"""Telling the loser of an edit race what happened, without losing what they typed.

Person and draft-contact edit pages carry the record's `version`; a save over a newer one is
refused by the service (code `services.STALE`). The page then shows who saved meanwhile and
when (from the record's history), the values now saved that differ from what this user
typed, and the form still holding their answers but at the current version, so saving again
replaces the other person's values on purpose rather than by accident.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from core.forms import add_service_errors
from core.templatetags.govuk import govuk_date, govuk_time

from . import services


def is_stale(error: ValidationError) -> bool:
    return getattr(error, "code", None) == services.STALE


def _shown(field: forms.Field, value: Any) -> str:
    """A value as the page shows it, so a saved value and a typed one compare alike."""
    if value in (None, ""):
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.time):
        return f"{govuk_time(value)}"
    if isinstance(value, dt.date):
        return govuk_date(value)
    choices = getattr(field, "choices", None)
    labels = dict((str(k), v) for k, v in choices) if choices is not None else {}
    if isinstance(value, list | tuple):
        # A multiple choice (disabilities): the labels in the choices' order.
        chosen = {str(v) for v in value}
        return ", ".join(str(v) for k, v in labels.items() if k in chosen) or "Not given"
    if choices is not None:
        return str(labels.get(str(value), value))
    return str(value)


def at_current_version(form: forms.Form, version: int) -> forms.Form:
    """The same form, still bound to what was typed, but carrying the record's current version."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data["version"] = str(version)
    form.data = data
    form._errors = None  # clean again against the new data
    return form


def changed_meanwhile(
    form: forms.Form, record: Any, saved: dict[str, Any], message: str
) -> dict[str, Any]:
    """Who saved `record` last and when, and the saved values that differ from the typed ones."""
    last = record.history.select_related("history_user").first()
    who = "Someone else"
    if last is not None and last.history_user is not None:
        who = last.history_user.get_full_name() or last.history_user.username
    differences = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        now, typed = _shown(field, saved.get(name)), _shown(field, form.cleaned_data[name])
        if now != typed:
            label = field.label or name.replace("_", " ").capitalize()
            differences.append({"label": label, "saved": now, "typed": typed})
    form.add_error(
        None,
        f"{message} Check the saved values, then save again to keep your answers instead.",
    )
    return {"by": who, "at": last.history_date if last else None, "differences": differences}


def refused(
    form: forms.Form, error: ValidationError, record: Any, saved: Callable[[], dict[str, Any]]
) -> tuple[forms.Form, dict[str, Any] | None]:
    """A service refused a save. A stale version: the form keeps what was typed at the record's
    current version, and what changed meanwhile is returned (`saved()` reads the record's values
    after it is reloaded). Any other refusal goes next to the form's fields."""
    if not is_stale(error):
        add_service_errors(form, error)
        return form, None
    record.refresh_from_db()
    form = at_current_version(form, record.version)
    form.is_valid()
    return form, changed_meanwhile(form, record, saved(), error.message)
