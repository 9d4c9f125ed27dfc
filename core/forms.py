"""The GOV.UK form kit every app builds its forms from.

`GovukForm` lays its fields out with crispy-forms-gds; the helpers make the questions the
service asks everywhere (yes/no, email, times, NHS numbers) read and validate the same way,
and `add_service_errors` puts a service's ValidationError next to the field it is about.
"""

import datetime as dt
import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid

YES_NO = [("yes", "Yes"), ("no", "No")]
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def yes_no_field(
    label: str, *, required: bool = False, help_text: str = ""
) -> forms.TypedChoiceField:
    """A Yes/No radio question stored as a nullable boolean."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def add_service_errors(form: forms.Form, error: forms.ValidationError) -> None:
    """Show a service's ValidationError next to its field (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def email_field() -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )


def bool_initial(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def parse_time(value: str) -> dt.time:
    """'9:30am', '14:05', '2pm', '9.30' -> a time; ValueError otherwise."""
    match = _TIME.match(value or "")
    if not match:
        raise ValueError(value)
    hour, minute, meridiem = (
        int(match.group(1)),
        int(match.group(2) or 0),
        (match.group(3) or "").lower(),
    )
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(value)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return dt.time(hour, minute)


def clean_nhs_number(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 10:
        raise forms.ValidationError("NHS number must be 10 digits, like 943 476 5919")
    if not nhs_number_is_valid(digits):
        raise forms.ValidationError(
            "Enter a valid NHS number: check the digits have been typed correctly"
        )
    return digits


def not_in_future(day: dt.date | None, label: str) -> dt.date | None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return day


def govuk_layout(form: forms.Form, *fields, submit: str | None = None) -> None:
    """Give `form` a GOV.UK crispy layout of `fields`, rendered inside the page's own <form>
    tag (forms that cannot be a GovukForm, such as Django's AuthenticationForm, use this)."""
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.label_size = Size.SMALL
    form.helper.legend_size = Size.SMALL
    form.helper.layout = Layout(*fields)
    if submit is not None:
        form.submit_label = submit


class GovukForm(forms.Form):
    """A form with a crispy GOV.UK helper; subclasses give `layout_fields` and a submit label."""

    submit_label = "Save and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_layout(self, *self.layout())

    def layout(self) -> list:
        return [self.field_layout(name) for name in self.fields]

    def refresh_layout(self) -> None:
        """Rebuild the layout after fields were added or reordered in `__init__`."""
        self.helper.layout = Layout(*self.layout())

    def field_layout(self, name: str):
        field = self.fields[name]
        if isinstance(field.widget, forms.HiddenInput):
            return Field(name)
        if isinstance(field.widget, forms.RadioSelect):
            return Field.radios(name, legend_size=Size.SMALL, inline=len(field.choices) <= 3)
        if isinstance(field.widget, forms.Textarea):
            return Field.textarea(name, label_size=Size.SMALL, rows=5)
        if isinstance(field.widget, forms.Select):
            return Field.select(name, label_size=Size.SMALL)
        if isinstance(field, DateInputField):
            return Field(name, legend_size=Size.SMALL)
        return Field.text(name, label_size=Size.SMALL)


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%B").lower(),
        dt.date(2000, number, 1).strftime("%b").lower(),
    )
}
_PART_NAMES = ("day", "month", "year")


def _is_number(part: str) -> bool:
    return part.isascii() and part.isdigit()


class GovukDateField(DateInputField):
    """The GOV.UK date input, answering anything typed with the design system's messages.

    The kit's field hands each part to `int()` and `date()` as typed, so "13" as a month or
    "99999" as a year escapes as Python's own words. Here each part is checked before it is
    converted, the message is one of the date input pattern's ("Date of birth must include a
    month", "... must be a real date", "Year must include 4 numbers", "... must be in the
    past"), and it is put on the parts that are wrong, so the inputs are highlighted and the
    error summary links to the first wrong one (see `core.templatetags.govuk.error_summary_items`).

    `must_be` is "past" (before today) or "today_or_past" when a later date makes no sense.
    """

    def __init__(
        self,
        *,
        min_year: int = 1900,
        max_year: int = 2999,
        must_be: str | None = None,
        **kwargs,
    ):
        if must_be not in (None, "past", "today_or_past"):
            raise ValueError(f"must_be is 'past' or 'today_or_past', not {must_be!r}")
        self.min_year, self.max_year, self.must_be = min_year, max_year, must_be
        self.required_message = (kwargs.pop("error_messages", None) or {}).get("required")
        super().__init__(**kwargs)
        # A form may also set its own message after building the field
        # (`form.fields[name].error_messages["required"] = ...`): that one is used too.
        self._default_required = self.error_messages.get("required")

    def _name(self) -> str:
        return str(self.label or "Date")

    def _fail(self, message: str, parts: list[int], code: str) -> forms.ValidationError:
        for index in parts:
            self.fields[index].widget.errors = [message]
        return forms.ValidationError(message, code=code)

    def clean(self, value) -> dt.date | None:
        for sub in self.fields:
            sub.widget.errors = []
        if isinstance(value, dt.date):
            value = (value.day, value.month, value.year)
        if not isinstance(value, (list, tuple)):
            value = ()
        padded = [*list(value)[:3], "", "", ""][:3]
        day, month, year = (str(part if part is not None else "").strip() for part in padded)
        parts = [day, month, year]
        name = self._name()
        missing = [i for i, part in enumerate(parts) if not part]
        if len(missing) == 3:
            if self.required:
                set_later = self.error_messages.get("required")
                if set_later == self._default_required:
                    set_later = None
                message = self.required_message or set_later or f"Enter the {name.lower()}"
                raise self._fail(message, [0], "required")
            return None
        if missing:
            wanted = " and ".join(_PART_NAMES[i] for i in missing)
            raise self._fail(f"{name} must include a {wanted}", missing, "incomplete")
        if not _is_number(year) or len(year) != 4:
            raise self._fail("Year must include 4 numbers", [2], "invalid_year")
        if not self.min_year <= int(year) <= self.max_year:
            raise self._fail(
                f"Year must be between {self.min_year} and {self.max_year}", [2], "year_range"
            )
        if month.lower() in _MONTHS:
            month = str(_MONTHS[month.lower()])
        wrong = [i for i, part in enumerate((day, month)) if not _is_number(part) or len(part) > 2]
        if wrong:
            raise self._fail(f"{name} must be a real date", wrong, "invalid_date")
        if not 1 <= int(month) <= 12:
            raise self._fail(f"{name} must be a real date", [1], "invalid_date")
        try:
            answer = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise self._fail(f"{name} must be a real date", [0], "invalid_date") from None
        today = timezone.localdate()
        if self.must_be == "past" and answer >= today:
            raise self._fail(f"{name} must be in the past", [0, 1, 2], "not_past")
        if self.must_be == "today_or_past" and answer > today:
            raise self._fail(f"{name} must be today or in the past", [0, 1, 2], "future")
        self.validate(answer)
        self.run_validators(answer)
        return answer

    def compress(self, data_list) -> dt.date | None:
        return self.clean(list(data_list))


class VersionField(forms.Field):
    """The hidden version of the record the page showed (optimistic locking).

    Anything that is not a plausible version cleans to 0, which no record has, so a tampered
    or garbled value is answered as "changed since you opened it", never as an error page.
    """

    widget = forms.HiddenInput

    def clean(self, value) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            return 0
        return number if 0 < number < 2**31 else 0


def with_version(form: "GovukForm", version: int) -> "GovukForm":
    """Add the hidden `version` to a form that edits a versioned record."""
    form.fields["version"] = VersionField(initial=version)
    form.helper.layout.fields.append(Field("version"))
    return form
