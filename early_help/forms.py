"""GOV.UK forms for early help. They check format; the services check the rules."""

import re

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from core.enums import YesNoUnknown
from core.forms import GovukDateField, GovukForm, email_field, yes_no_field
from core.templatetags.govuk import govuk_date
from mash.forms import AttendeesForm
from referrals.models import Person
from thresholds.models import CouncilProfile

from .models import DUTY_OUTCOMES, PANEL_OUTCOMES, ClosureReason
from .selectors import EARLY_HELP_TEAM_KINDS, early_help_staff


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.job_title or 'early help'}, {obj.team})"


def _worker_field(label: str) -> StaffChoiceField:
    return StaffChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        empty_label="Select a member of staff",
        error_messages={"invalid_choice": "Select a member of early help staff from the list"},
    )


class ConsentForm(GovukForm):
    submit_label = "Record consent"
    family_agrees = forms.ChoiceField(
        label="Does the family agree to early help?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agrees to early help"},
    )
    details = forms.CharField(
        label="Who gave or refused consent, how and when",
        help_text="For example: mother agreed by phone with the referrer on 3 March.",
        widget=forms.Textarea,
        error_messages={"required": "Enter who gave or refused consent, how and when"},
    )


class _OutcomeForm(GovukForm):
    worker = _worker_field(
        "Early help coordinator or family worker (for information, advice and guidance or a "
        "brief assessment)"
    )
    service = forms.CharField(
        label="Services the family is signposted or referred to (for signposting or a referral)",
        required=False,
        widget=forms.Textarea,
    )
    rationale = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the decision"},
    )
    outcome_field = "outcome"
    outcomes: list = []

    def __init__(self, *args, profile: CouncilProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.outcome_field].choices = [(o.value, o.label) for o in self.outcomes]
        self.fields["worker"].queryset = early_help_staff(profile)

    def layout(self) -> list:
        return [
            Field.radios(self.outcome_field, legend_size=Size.SMALL),
            *(self.field_layout(n) for n in ("worker", "service", "rationale")),
        ]


class DecisionForm(_OutcomeForm):
    submit_label = "Record the decision"
    outcome = forms.ChoiceField(
        label="Early help referral decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the early help referral decision"},
    )
    outcomes = DUTY_OUTCOMES
    field_order = ["outcome", "worker", "service", "rationale"]


class StepUpToMashForm(GovukForm):
    submit_label = "Step up to the MASH"

    rag = forms.ChoiceField(
        label="How soon must the MASH act?",
        choices=[
            ("red", "Red: risk of immediate or serious harm (the red clock)"),
            ("amber", "Amber: risk of harm, not imminent (the amber clock)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select red or amber: how soon the MASH must act"},
    )
    reason = forms.CharField(
        label="Why does the case need the MASH?",
        help_text="The MASH manager reads this first.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter why the case needs the MASH"},
    )


class PanelDecisionForm(_OutcomeForm):
    submit_label = "Minute the decision"
    decision = forms.ChoiceField(
        label="The panel's decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's decision"},
    )
    outcome_field = "decision"
    outcomes = PANEL_OUTCOMES
    field_order = ["decision", "worker", "service", "rationale"]


class PanelAttendeesForm(AttendeesForm):
    other_attendees = forms.CharField(
        label="Other attendees (name, role and organisation)", max_length=300, required=False
    )

    def __init__(self, *args, profile: CouncilProfile, **kwargs):
        self.profile = profile
        super().__init__(*args, **kwargs)

    def attendees_queryset(self) -> QuerySet[User]:
        roles = [Role.EARLY_HELP_DUTY_MANAGER.value, Role.EARLY_HELP_WORKER.value]
        # Early help managers and workers by role, and anyone in one of the council's early
        # help teams (family workers need no front-door role).
        profile = self.profile
        return (
            User.objects.filter(is_active=True)
            .filter(Q(groups__name__in=roles) | Q(team__kind__in=EARLY_HELP_TEAM_KINDS))
            .filter(Q(team__profile=profile) | Q(team__profile__isnull=True) | Q(team__isnull=True))
        )


_PHONE = re.compile(r"[0-9+() -]{6,40}")


class TafMemberForm(GovukForm):
    submit_label = "Save"
    name = forms.CharField(
        label="Name", max_length=160, error_messages={"required": "Enter the professional's name"}
    )
    role = forms.CharField(
        label="Role", max_length=120, error_messages={"required": "Enter their role"}
    )
    organisation = forms.CharField(
        label="Agency or organisation",
        max_length=160,
        help_text="For example, the school, health visiting, housing or a children's centre.",
        error_messages={"required": "Enter their agency or organisation"},
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    email = email_field()
    is_lead_professional = yes_no_field(
        "Is this the lead professional?",
        help_text="The lead professional coordinates the plan with the family. There is one.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address (optional)"
        if editing:
            # Handing over the lead is its own action, so exactly one lead is kept.
            del self.fields["is_lead_professional"]
            self.helper.layout = Layout(*self.layout())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.fullmatch(phone):
            raise forms.ValidationError("Enter a phone number, like 020 7946 0000 or 07700 900 982")
        return phone


class CloseCaseForm(GovukForm):
    submit_label = "Close the case"
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the case is closing"},
    )
    details = forms.CharField(label="Closure summary", required=False, widget=forms.Textarea)


class StepUpForm(GovukForm):
    submit_label = "Send to MASH screening"
    concerns = forms.CharField(
        label="What are the new concerns?",
        help_text="They go to the MASH as a new contact, to decide whether social work is needed.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the new concerns"},
    )
    family_aware = forms.ChoiceField(
        label="Does the family know about the new concerns?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the family know about the new concerns"},
    )
    family_agrees = forms.ChoiceField(
        label="Does the family agree to the referral?",
        help_text="Consent is not needed where there are safeguarding concerns.",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the family agree to the referral"},
    )
    family_agreement_details = forms.CharField(
        label="Anything more about the family's knowledge or agreement (optional)",
        required=False,
        widget=forms.Textarea,
    )


class ChildChoiceField(forms.ModelMultipleChoiceField):
    """Accepts any child of its queryset; lists only `shown` (a page of them) when set: a
    team has thousands of children open to it, and listing them all built every row."""

    shown: list[Person] | None = None

    def label_from_instance(self, obj: Person) -> str:
        born = f", born {govuk_date(obj.date_of_birth)}" if obj.date_of_birth else ""
        return f"{obj.full_name} ({obj.case_number}{born})"

    def _get_choices(self):
        if self.shown is not None:
            return [(person.pk, self.label_from_instance(person)) for person in self.shown]
        return super()._get_choices()

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class StepDownForm(GovukForm):
    submit_label = "Send to the Early Help Panel"
    children = ChildChoiceField(
        label="Which children are being stepped down?",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the children to step down",
            "invalid_choice": "Select children whose case is open to your team",
        },
    )
    reasons = forms.CharField(
        label="Reasons for stepping the case down",
        help_text="What has changed, what the family still needs and what early help should know.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reasons for stepping the case down"},
    )
    family_agrees = yes_no_field("Does the family agree to early help?", required=True)
    consent_details = forms.CharField(
        label="Who gave consent, how and when",
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, children, shown: list[Person] | None = None, **kwargs):
        """`children`: every child that may be chosen; `shown`: the ones listed (a page)."""
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        field.queryset = children
        field.shown = shown
        field.widget.choices = field.choices
        self.fields["family_agrees"].error_messages["required"] = (
            "Say whether the family agrees to early help"
        )
        self.helper.layout = Layout(*self.layout())

    def layout(self) -> list:
        return [
            Field.checkboxes("children", legend_size=Size.SMALL),
            *(self.field_layout(n) for n in ("reasons", "family_agrees", "consent_details")),
        ]


class AssessmentCompletedForm(GovukForm):
    submit_label = "Save the date"
    completed_on = GovukDateField(
        label="Date the early help assessment was completed",
        help_text="For example, 27 3 2027",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["completed_on"]
        field.error_messages = {
            **field.error_messages,
            "required": "Enter the date the assessment was completed",
        }
