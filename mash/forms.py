from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role
from core.enums import RatingOutcome
from core.forms import GovukForm
from referrals.forms import (
    assessment_type_field,
    primary_need_field,
    referral_team_field,
    referral_teams,
)
from thresholds.models import CouncilProfile


class AttendeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        role = ", ".join(str(r.label) for r in sorted(obj.roles))
        where = f", {obj.team}" if obj.team_id else ""
        return f"{obj} ({obj.job_title or role}{where})"


class AttendeesForm(GovukForm):
    submit_label = "Save attendees"
    attendees = AttendeeChoiceField(
        label="Who attended?",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label="Other attendees (name and role)", max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            self.attendees_queryset()
            .select_related("team")
            .prefetch_related("groups")
            .distinct()
            .order_by("first_name", "last_name")
        )

    def layout(self) -> list:
        return [
            Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
            self.field_layout("other_attendees"),
        ]

    def attendees_queryset(self) -> QuerySet[User]:
        """Who may be ticked as attending (the daily discussion: its managers and seniors)."""
        roles = [
            Role.MASH_MANAGER,
            Role.TEAM_MANAGER,
            Role.EARLY_HELP_DUTY_MANAGER,
            Role.SENIOR_PRACTITIONER,
        ]
        return User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("attendees") and not cleaned.get("other_attendees"):
            raise forms.ValidationError("Select who attended, or name the other attendees")
        return cleaned


class DecisionForm(GovukForm):
    submit_label = "Minute the decision"
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    team = referral_team_field()
    assessment_type = assessment_type_field()
    primary_need = primary_need_field()
    rationale = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the decision"},
    )

    def __init__(self, *args, profile: CouncilProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (o, RatingOutcome(o).label)
            for o in profile.outcomes
            if o != RatingOutcome.DAILY_DISCUSSION
        ]
        self.fields["team"].queryset = referral_teams(profile)
