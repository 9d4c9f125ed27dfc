"""Forms for the MASH enquiry: the services decide what is allowed; forms check shape and say what
is missing in GOV.UK words."""

import datetime as dt
import zoneinfo

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings

from accounts.models import PartnerAgency, Team
from accounts.roles import Role
from accounts.selectors import users_with_role
from core.enums import Rag
from core.forms import GovukDateField, GovukForm, parse_time
from referrals import rating
from referrals.forms import (
    assessment_type_field,
    primary_need_field,
    referral_team_field,
    referral_team_label,
    referral_teams,
)
from thresholds.models import CouncilProfile, ThresholdLevel

from .enquiries import NO_REFUSAL_TO_OVERRIDE, Handover
from .models import ConsentGround, ConsentOutcome, HandoverMethod, NextStep

DEFAULT_QUESTION = (
    "Please check your records for the children and adults named and tell us what you hold, "
    "what it means for the children's safety and whether it may be shared."
)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}{f' ({obj.job_title})' if obj.job_title else ''}"


def mash_workers() -> forms.ModelChoiceField:
    return WorkerChoiceField(
        label="MASH social worker",
        queryset=users_with_role(Role.MASH_SOCIAL_WORKER).order_by("first_name", "last_name"),
        empty_label="Select a MASH social worker",
        error_messages={"required": "Select a MASH social worker"},
    )


class OpenEnquiryForm(GovukForm):
    submit_label = "Open the enquiry"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"] = mash_workers()
        self.fields["worker"].required = False
        self.fields["worker"].help_text = "You can assign a worker later."
        self.refresh_layout()


class AssignForm(GovukForm):
    submit_label = "Assign"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"] = mash_workers()
        self.refresh_layout()


class ConsentForm(GovukForm):
    submit_label = "Record consent"
    outcome = forms.ChoiceField(
        label="What happened about consent?",
        choices=ConsentOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened about consent"},
        help_text="Only a MASH manager may decide not to seek consent or to override a refusal, "
        "and only for red work or amber work with child protection concerns. A refusal can be "
        "overridden only after consent was sought and refused.",
    )
    ground = forms.ChoiceField(
        label="Ground for not seeking or overriding consent",
        choices=ConsentGround.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Required when consent is not sought or a refusal is overridden.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, refused: bool, **kwargs):
        # `refused`: the consent decision standing now is "sought and refused".
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean_outcome(self) -> str:
        outcome = self.cleaned_data["outcome"]
        if outcome == ConsentOutcome.OVERRIDDEN and not self.refused:
            raise forms.ValidationError(NO_REFUSAL_TO_OVERRIDE)
        return outcome

    def field_layout(self, name: str):
        if name == "ground":
            # The grounds are long sentences: stacked, not inline.
            return Field.radios(name, legend_size=Size.SMALL, inline=False)
        return super().field_layout(name)


class AgencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ChecksForm(GovukForm):
    submit_label = "Send the requests"
    question = forms.CharField(
        label="What are you asking the agencies?",
        widget=forms.Textarea,
        initial=DEFAULT_QUESTION,
        error_messages={"required": "Enter what you are asking the agencies"},
    )

    def __init__(self, *args, profile: CouncilProfile, asked: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"] = AgencyChoiceField(
            label="Which agencies should check their records?",
            help_text="The agencies this council always asks, and has not asked yet, are "
            "already selected. Add others where it is proportionate.",
            queryset=PartnerAgency.objects.filter(profile=profile, is_active=True)
            .exclude(pk__in=asked)
            .order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Select at least one agency"},
        )
        self.order_fields(["agencies", "question"])
        self.refresh_layout()


class AnalysisForm(GovukForm):
    submit_label = "Save the analysis"
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label="Summary of the information gathered",
        widget=forms.Textarea,
        error_messages={"required": "Enter a summary of the information gathered"},
    )
    analysis = forms.CharField(
        label="Analysis",
        help_text="What the information means for the child: risks, strengths and gaps.",
        widget=forms.Textarea,
        error_messages={"required": "Enter your analysis"},
    )
    recommended_level = forms.TypedChoiceField(
        label="Recommended level of need",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a level of need from 1 to 4"},
    )
    recommended_action = forms.CharField(
        label="Recommended action",
        widget=forms.Textarea,
        error_messages={"required": "Enter the action you recommend"},
    )

    def __init__(self, *args, levels: list[ThresholdLevel], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_level"].choices = [
            (lvl.number, f"Level {lvl.number}: {lvl.name}") for lvl in levels
        ] or [(n, f"Level {n}") for n in (1, 2, 3, 4)]

    def field_layout(self, name: str):
        if name == "recommended_level":
            return Field.radios(name, legend_size=Size.SMALL, inline=False)
        return super().field_layout(name)


class EnquiryDecisionForm(GovukForm):
    submit_label = "Confirm the decision"
    version = forms.IntegerField(widget=forms.HiddenInput)
    final_rag = forms.ChoiceField(
        label="Final RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the final RAG rating"},
    )
    final_rationale = forms.CharField(
        label="Rationale for the final rating",
        widget=forms.Textarea,
        error_messages={"required": "Enter the rationale for the final rating"},
    )
    next_step = forms.ChoiceField(
        label="What happens next",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
        help_text="A strategy discussion goes straight to the allocated team as a section 47 "
        "enquiry. Early help needs the family's consent.",
    )
    team = referral_team_field("Social work team (for a referral or strategy discussion)")
    assessment_type = assessment_type_field()
    primary_need = primary_need_field("Primary need (for a referral or strategy discussion)")

    def __init__(self, *args, profile: CouncilProfile, no_duty_email: Team | None = None, **kwargs):
        # `no_duty_email`: the team chosen has no duty email address, so the form asks how
        # the referral reaches it (shown after the first submission chose such a team).
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = referral_teams(profile)
        self.fields["team"].label_from_instance = referral_team_label
        self.no_duty_email = no_duty_email
        if no_duty_email is not None:
            self._add_handover_fields(no_duty_email)
            self.refresh_layout()

    def _add_handover_fields(self, team: Team) -> None:
        self.fields["handover_method"] = forms.ChoiceField(
            label=f"{team} has no duty email address: how will the referral reach the team?",
            choices=[
                (HandoverMethod.TEAM_MANAGER_EMAIL, "Email it to a team manager"),
                (HandoverMethod.RECORDED_HANDOVER, "It was handed over another way: record it"),
            ],
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields["team_manager"] = forms.ModelChoiceField(
            label="Team manager to email",
            queryset=rating.team_managers_with_email(team),
            required=False,
            empty_label="Select a team manager",
            help_text="For an email to a team manager.",
        )
        self.fields["team_manager"].label_from_instance = lambda u: f"{u} ({u.email})"
        self.fields["handed_to"] = forms.CharField(
            label="Who took the referral",
            help_text="For a recorded handover: their name and role.",
            max_length=160,
            required=False,
        )
        self.fields["handed_over_at"] = GovukDateField(
            label="Date of the handover", required=False, help_text="For example, 24 11 2026"
        )
        self.fields["handed_over_time"] = forms.CharField(
            label="Time of the handover",
            help_text="For example, 9:30am or 14:05",
            max_length=8,
            required=False,
            widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        )
        self.fields["how"] = forms.CharField(
            label="How it was handed over",
            help_text="For example, by phone to the duty social worker.",
            max_length=200,
            required=False,
        )

    def clean_handed_over_time(self) -> dt.time | None:
        value = self.cleaned_data.get("handed_over_time", "")
        if not value.strip():
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise forms.ValidationError("Enter a real time, like 9:30am or 14:05") from None

    def handover(self) -> Handover | None:
        data = self.cleaned_data
        if self.no_duty_email is None or not data.get("handover_method"):
            return None
        day, time = data.get("handed_over_at"), data.get("handed_over_time")
        at = (
            dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
            if day and time
            else None
        )
        return Handover(
            method=data["handover_method"],
            team_manager=data.get("team_manager"),
            handed_to=data.get("handed_to", ""),
            handed_over_at=at,
            how=data.get("how", ""),
        )

    def field_layout(self, name: str):
        if name in ("next_step", "assessment_type", "handover_method"):
            return Field.radios(name, legend_size=Size.SMALL, inline=False)
        return super().field_layout(name)
