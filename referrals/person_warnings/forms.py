"""Forms for proposing, agreeing, reviewing and ending a warning on a person."""

import datetime as dt

from django import forms
from django.utils import timezone

from core.forms import GovukDateField, GovukForm

from .models import WarningKind

REASON_MAX = 4000


def _review_field() -> GovukDateField:
    return GovukDateField(
        label="Review by",
        help_text="Within a year, for example "
        f"{(timezone.localdate() + dt.timedelta(days=90)):%d %m %Y}",
    )


class ProposeForm(GovukForm):
    submit_label = "Propose the warning"
    kind = forms.ChoiceField(
        label="Type of warning",
        choices=WarningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of warning"},
    )
    reason = forms.CharField(
        label="Reason for the warning",
        widget=forms.Textarea,
        max_length=REASON_MAX,
        help_text="What happened or what is known, and where it came from. Staff see this.",
        error_messages={"required": "Enter the reason for the warning"},
    )
    partner_summary = forms.CharField(
        label="What partner agencies are told (optional)",
        widget=forms.Textarea,
        max_length=1000,
        required=False,
        help_text="Partners visiting the family see the type and these words, never the reason. "
        "Needed for a staff safety or dangerous animal warning; a manager agrees the wording.",
    )
    review_on = _review_field()

    def layout(self) -> list:
        from crispy_forms_gds.layout import Field, Size

        return [
            Field.radios("kind", legend_size=Size.SMALL),
            self.field_layout("reason"),
            self.field_layout("partner_summary"),
            self.field_layout("review_on"),
        ]


class AgreeForm(GovukForm):
    submit_label = "Agree the warning"
    partner_summary = forms.CharField(
        label="What partner agencies are told",
        widget=forms.Textarea,
        max_length=1000,
        required=False,
        help_text="Leave empty to tell partners nothing, unless the warning is about staff "
        "safety or a dangerous animal: partners visiting the family must be told of those.",
    )
    review_on = _review_field()


class ReviewForm(GovukForm):
    submit_label = "Record the review"
    note = forms.CharField(
        label="Why the warning still stands",
        widget=forms.Textarea,
        max_length=REASON_MAX,
        error_messages={"required": "Enter why the warning still stands"},
    )
    review_on = _review_field()


class EndForm(GovukForm):
    submit_label = "End the warning"
    end_reason = forms.CharField(
        label="Why the warning ends",
        widget=forms.Textarea,
        max_length=REASON_MAX,
        error_messages={"required": "Enter why the warning ends"},
    )
