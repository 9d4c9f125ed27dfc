from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import PersonalDataAdminMixin
from core.enums import RatingOutcome

from .models import (
    ClosureDay,
    CouncilProfile,
    Deadline,
    ThresholdIndicator,
    ThresholdLevel,
    Timescale,
)


class CouncilProfileForm(forms.ModelForm):
    """Shows the profile's outcomes (a JSON list of codes) as one checkbox per RatingOutcome."""

    outcomes = forms.MultipleChoiceField(
        choices=RatingOutcome.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The rating outcomes this council uses.",
    )

    class Meta:
        model = CouncilProfile
        fields = [
            "code",
            "name",
            "service_name",
            "la_code",
            "outcomes",
            "route_previously_known_to_mash",
            "route_recently_closed_to_last_team",
            "recently_closed_months",
            "repeat_contact_threshold",
            "repeat_contact_window_months",
            "duplicate_contact_window_hours",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["outcomes"] = list(self.instance.outcomes)

    def clean_outcomes(self) -> list[str]:
        chosen = set(self.cleaned_data["outcomes"])
        # Stored in RatingOutcome order so the list reads the same whichever boxes were ticked first.
        return [code for code in RatingOutcome.values if code in chosen]


class TimescaleInline(admin.TabularInline):
    model = Timescale
    fields = ["kind", "amount", "unit", "source"]
    extra = 0


@admin.register(CouncilProfile)
class CouncilProfileAdmin(SimpleHistoryAdmin):
    form = CouncilProfileForm
    list_display = ["name", "code", "route_recently_closed_to_last_team"]
    inlines = [TimescaleInline]


class ThresholdIndicatorInline(admin.TabularInline):
    model = ThresholdIndicator
    fields = ["order", "text"]
    extra = 0


@admin.register(ThresholdLevel)
class ThresholdLevelAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]
    inlines = [ThresholdIndicatorInline]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"


@admin.register(Deadline)
class DeadlineAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    """Clocks start, stop and breach only through services and the sweep: here they are read-only."""

    list_display = [
        "kind",
        "contact",
        "team",
        "responsible",
        "due_at",
        "met_at",
        "breached_at",
        "closed_at",
    ]
    list_filter = ["kind", "rag"]
    list_select_related = ["contact", "team", "responsible"]
    date_hierarchy = "due_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
