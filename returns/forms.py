import datetime as dt

from django import forms

from core.forms import GovukDateField, GovukForm

from .cin_census import collection_year_of


def collection_year_choices(today: dt.date) -> list[tuple[str, str]]:
    """This collection year and the three before it, newest first."""
    current = collection_year_of(today).year
    return [
        (str(year), f"April {year - 1} to March {year} (census {year - 1} to {year})")
        for year in range(current, current - 4, -1)
    ]


class CensusYearForm(GovukForm):
    submit_label = "Check and make the census"

    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        help_text="The census counts every child referred, or still open, between 1 April and "
        "31 March.",
        error_messages={
            "required": "Select the collection year",
            "invalid_choice": "Select a collection year from the list",
        },
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = collection_year_choices(today)
        self.fields["year"].widget = forms.RadioSelect(choices=self.fields["year"].choices)
        self.refresh_layout()


class AnnexAForm(GovukForm):
    submit_label = "Download Annex A"

    as_of = GovukDateField(
        label="Lists up to",
        help_text="Lists 1 to 3 cover the six months before this date, for example 30 11 2026.",
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_as_of(self) -> dt.date:
        day = self.cleaned_data["as_of"]
        if day is None:
            raise forms.ValidationError("Enter the date the lists run up to")
        if day > self.today:
            raise forms.ValidationError("The date must be today or in the past")
        return day
