"""GOV.UK forms for logging contacts, finding people and screening.

Section forms validate format only (dates, emails, NHS numbers); whether every required
answer is there is checked once, on the check-your-answers page, so a screening officer can
save part of a contact and come back to it.
"""

import copy
import datetime as dt
import re
import zoneinfo

from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Layout,
    Size,
)
from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Team, TeamKind
from core.enums import BorderlineReason, Rag, RatingOutcome, YesNoUnknown
from core.forms import (
    GovukDateField,
    GovukForm,
    bool_initial,
    clean_nhs_number,
    email_field,
    not_in_future,
    parse_time,
    yes_no_field,
)
from thresholds.models import ThresholdIndicator

from .models import (
    AssessmentType,
    ContactRole,
    ContactSource,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReferralSource,
    RelationshipType,
    Sex,
    UpnUnknown,
)
from .search import address_tokens

# The census items on a person (referrals/cin.py checks them in the person services).
CIN_PERSON_FIELDS = ("upn", "upn_unknown", "disabilities")


def referral_team_field(label: str = "Social work team (for a referral)") -> forms.ModelChoiceField:
    """The receiving social work team; its choices are set per profile by `referral_teams`."""
    return forms.ModelChoiceField(
        label=label, queryset=Team.objects.none(), required=False, empty_label="Select a team"
    )


def referral_team_label(team: Team) -> str:
    """A team in a referral's choice of teams, saying when it has no duty email address (the
    referral then reaches it another way: a team manager's email or a recorded handover)."""
    return team.name if team.duty_email else f"{team.name} (no duty email address)"


def referral_teams(profile) -> "models.QuerySet[Team]":
    """The council's active teams a contact can be referred to for assessment."""
    return Team.objects.filter(
        profile=profile,
        kind__in=[TeamKind.SOCIAL_WORK, TeamKind.DISABLED_CHILDREN],
        is_active=True,
    ).order_by("name")


def primary_need_field(label: str = "Primary need (for a referral)") -> forms.ChoiceField:
    """The CIN census primary need, asked wherever a contact is referred to a social work team;
    the rating services require it for a referral (`rating.check_referral`)."""
    return forms.ChoiceField(
        label=label,
        choices=[("", "Select the child's primary need")] + PrimaryNeed.choices,
        required=False,
        help_text="The main reason the child is referred, as the children in need census "
        "records it.",
    )


def assessment_type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Type of assessment (for a referral)",
        choices=AssessmentType.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class ReceivedAtMixin(forms.Form):
    received_date = GovukDateField(label="Date received", help_text="For example, 24 11 2026")
    received_time = forms.CharField(
        label="Time received",
        help_text="For example, 9:30am or 14:05",
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time the contact was received"},
    )

    def clean_received_time(self) -> dt.time:
        try:
            return parse_time(self.cleaned_data["received_time"])
        except ValueError:
            raise forms.ValidationError("Enter a real time, like 9:30am or 14:05") from None

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("received_date"), cleaned.get("received_time")
        if day and time:
            london = zoneinfo.ZoneInfo(settings.TIME_ZONE)
            received = dt.datetime.combine(day, time, tzinfo=london)
            if received > timezone.now() + dt.timedelta(minutes=5):
                self.add_error("received_date", "The date and time received must be in the past")
            else:
                cleaned["received_at"] = received
        return cleaned


class DetailsForm(ReceivedAtMixin, GovukForm):
    source = forms.ChoiceField(
        label="How did the contact arrive?",
        choices=ContactSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact arrived"},
    )
    information_only = yes_no_field(
        "Does the caller only want information or advice?",
        help_text="For example, how to find a parenting course. No child needs to be identified.",
    )
    ecaf_safeguarding = yes_no_field(
        "Is the safeguarding box ticked on the e-CAF?", help_text="Answer this for an e-CAF only."
    )
    requesting_body = forms.CharField(
        label="Who is requesting information?",
        help_text="For a request for information only: the court, council or service asking.",
        required=False,
        max_length=160,
    )
    urgent = yes_no_field(
        "Is this contact urgent?",
        help_text="An urgent contact goes to the top of the screening and rating queues.",
    )
    urgent_reason = forms.CharField(
        label="Why is it urgent?",
        help_text="Required if the contact is urgent. The senior practitioner sees this in the queue.",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def clean(self):
        data = super().clean()
        if data.get("urgent") and not (data.get("urgent_reason") or "").strip():
            self.add_error("urgent_reason", "Enter why the contact is urgent")
        return data

    def layout(self) -> list:
        return [
            Field.radios("source", legend_size=Size.SMALL),
            Fieldset(
                Field("received_date"),
                Field.text("received_time", label_size=Size.SMALL),
                legend="When was it received?",
                legend_size=Size.SMALL,
            ),
            self.field_layout("information_only"),
            self.field_layout("ecaf_safeguarding"),
            self.field_layout("requesting_body"),
            self.field_layout("urgent"),
            self.field_layout("urgent_reason"),
        ]

    @classmethod
    def initial_from(cls, contact) -> dict:
        local = timezone.localtime(contact.received_at)
        return {
            "source": contact.source,
            "received_date": local.date(),
            "received_time": f"{local:%H:%M}",
            "information_only": bool_initial(contact.information_only),
            "ecaf_safeguarding": bool_initial(contact.ecaf_safeguarding),
            "requesting_body": contact.requesting_body,
            "urgent": bool_initial(contact.urgent),
            "urgent_reason": contact.urgent_reason,
        }

    def section_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("source", "ecaf_safeguarding", "requesting_body")}
        data["received_at"] = self.cleaned_data["received_at"]
        data["information_only"] = bool(self.cleaned_data["information_only"])
        data["urgent"] = bool(self.cleaned_data["urgent"])
        data["urgent_reason"] = self.cleaned_data["urgent_reason"].strip() if data["urgent"] else ""
        return data


class ReferrerForm(GovukForm):
    referrer_is_professional = yes_no_field("Is the referrer a professional?")
    referrer_name = forms.CharField(label="Referrer's full name", required=False, max_length=160)
    referral_source = forms.ChoiceField(
        label="Who is the referrer?",
        help_text="This is the referral source reported in the children in need census.",
        choices=[("", "Select the referrer")] + ReferralSource.choices,
        required=False,
    )
    referrer_organisation = forms.CharField(
        label="Organisation or agency", required=False, max_length=160
    )
    referrer_role = forms.CharField(label="Role or job title", required=False, max_length=120)
    referrer_relationship = forms.CharField(
        label="Relationship to the child or family", required=False, max_length=160
    )
    referrer_knowledge = forms.CharField(
        label="How well do they know the family?", required=False, widget=forms.Textarea
    )
    referrer_phone = forms.CharField(label="Phone number", required=False, max_length=40)
    referrer_email = email_field()
    referrer_address = forms.CharField(label="Postal address", required=False, max_length=250)

    def clean_referrer_phone(self) -> str:
        phone = self.cleaned_data["referrer_phone"].strip()
        if phone and not re.fullmatch(r"[0-9+() -]{6,40}", phone):
            raise forms.ValidationError("Enter a phone number, like 020 7946 0000 or 07700 900 982")
        return phone


class ConcernsForm(GovukForm):
    concerns = forms.CharField(
        label="What are the concerns, or what is being asked for?",
        help_text="Write them in the referrer's own words.",
        required=False,
        widget=forms.Textarea,
    )
    alleged_perpetrator_details = forms.CharField(
        label="Details of any alleged perpetrator",
        help_text="Add them as a person on the contact too, if they can be identified.",
        required=False,
        widget=forms.Textarea,
    )


class FamilyForm(GovukForm):
    family_aware = forms.ChoiceField(
        label="Does the family know about the referral?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    family_agrees = forms.ChoiceField(
        label="Does the family agree to the referral?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    family_agreement_details = forms.CharField(
        label="Anything more about the family's knowledge or agreement",
        required=False,
        widget=forms.Textarea,
    )


SECTION_FORMS: dict[str, tuple[type[GovukForm], str]] = {
    "details": (DetailsForm, "About the contact"),
    "referrer": (ReferrerForm, "The referrer"),
    "concerns": (ConcernsForm, "The concerns"),
    "family": (FamilyForm, "The family's knowledge and agreement"),
}


class PersonSearchForm(GovukForm):
    """A GET form: no CSRF token in the address bar."""

    submit_label = "Search"
    first_name = forms.CharField(label="First name or initial", required=False, max_length=80)
    middle_names = forms.CharField(
        label="Middle names",
        required=False,
        max_length=120,
        help_text="If you know them: people of the same name who have them are listed first",
    )
    last_name = forms.CharField(label="Last name", required=False, max_length=80)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2015"
    )
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data["nhs_number"])

    def asks_for_someone(self, cleaned: dict) -> bool:
        """Whether an answer finds people (middle names only order what the others find)."""
        return any(cleaned.get(k) for k in self.fields if k != "middle_names")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.asks_for_someone(cleaned):
            raise forms.ValidationError("Enter a name, date of birth or NHS number to search for")
        return cleaned


class FindPersonForm(PersonSearchForm):
    """The "Find a person" page: names and dates as when linking, and references and addresses."""

    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=40,
        help_text="A contact reference (C0000042), a police MERLIN reference or a case number",
    )
    address = forms.CharField(
        label="Address or postcode",
        required=False,
        max_length=120,
        help_text="Part of the address, or at least two characters of the postcode, like N1 or RM",
    )

    def clean_address(self) -> str:
        value = self.cleaned_data["address"].strip()
        if value and not address_tokens(value):
            raise forms.ValidationError(
                "Enter at least two letters or numbers of the address or postcode"
            )
        return value

    def clean(self):
        cleaned = forms.Form.clean(self)
        if not self.errors and not self.asks_for_someone(cleaned):
            raise forms.ValidationError(
                "Enter a name, date of birth or NHS number, or a reference, address or "
                "postcode, to search for"
            )
        return cleaned


class DuplicateDecisionForm(GovukForm):
    submit_label = "Confirm"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("link", "Yes: handle them together"),
            ("dismiss", "No: they are about different things"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to handle these contacts together"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Needed when they are about different things; recorded in both contacts' history",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "dismiss" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why these contacts are not about the same incident")
        return cleaned


class MergeChooseForm(GovukForm):
    submit_label = "Continue"
    case_number = forms.CharField(
        label="Case number of the other record",
        max_length=20,
        help_text="For example, P0000123. Find it with Find a person.",
        error_messages={"required": "Enter the case number of the other record"},
    )

    def clean_case_number(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["case_number"]).upper()


class MergeConfirmForm(GovukForm):
    submit_label = "Merge the records"
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Recorded in both records' history and on the merge record",
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = choices
        self.refresh_layout()


class PersonForm(GovukForm):
    submit_label = "Create record"
    first_name = forms.CharField(max_length=80, error_messages={"required": "Enter the first name"})
    middle_names = forms.CharField(max_length=120, required=False)
    last_name = forms.CharField(max_length=80, error_messages={"required": "Enter the last name"})
    known_as = forms.CharField(label="Also known as", max_length=160, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2015"
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="For an unborn child only."
    )
    sex = forms.ChoiceField(choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    first_language = forms.CharField(max_length=60, required=False)
    interpreter_needed = yes_no_field("Is an interpreter needed?")
    religion = forms.CharField(max_length=60, required=False)
    communication_needs = forms.CharField(
        label="How do they communicate, and what support do they need?",
        required=False,
        widget=forms.Textarea,
    )
    special_needs = forms.CharField(
        label="Special needs or disability", required=False, widget=forms.Textarea
    )
    school_or_nursery = forms.CharField(label="School or nursery", max_length=160, required=False)
    line_1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    email = email_field()
    # Checked by the person services (cin.clean_person_cin), which name the field at fault.
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=20,
        required=False,
        help_text="13 characters from the child's school records, like A123456789012.",
    )
    upn_unknown = forms.ChoiceField(
        label="Reason there is no UPN",
        choices=[("", "Select a reason, if there is no UPN")] + UpnUnknown.choices,
        required=False,
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        # "No disability" comes last, after "or", and clears the others (GOV.UK exclusive).
        choices=[c for c in Disability.choices if c[0] != Disability.NONE]
        + [(Disability.NONE, Disability.NONE.label)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply, or ‘No disability’. Leave blank if not yet known.",
    )

    def layout(self) -> list:
        address = ["line_1", "line_2", "town", "postcode"]
        after = ("phone", "email", *CIN_PERSON_FIELDS)
        before = [n for n in PersonForm.base_fields if n not in address and n not in after]
        cin = [n for n in CIN_PERSON_FIELDS if n in self.fields]
        return [
            *[self.field_layout(n) for n in before],
            Fieldset(
                *[self.field_layout(n) for n in address], legend="Address", legend_size=Size.SMALL
            ),
            self.field_layout("phone"),
            self.field_layout("email"),
            *(
                [
                    HTML(
                        '<h2 class="govuk-heading-m">For the children in need census</h2>'
                        '<p class="govuk-body">For a child. The census needs the UPN or the '
                        "reason there is none, and the child's disabilities.</p>"
                    ),
                    *[self.field_layout(n) for n in cin],
                ]
                if cin
                else []
            ),
        ]

    def field_layout(self, name: str):
        if name == "disabilities":
            return Field(name, template="referrals/includes/_disability_checkboxes.html")
        return super().field_layout(name)

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data["nhs_number"])

    def clean_date_of_birth(self):
        return not_in_future(self.cleaned_data.get("date_of_birth"), "Date of birth")

    def clean_expected_date_of_birth(self):
        day = self.cleaned_data.get("expected_date_of_birth")
        if day and day < timezone.localdate() - dt.timedelta(days=31):
            raise forms.ValidationError(
                "Expected date of birth must be in the future, or give a date of birth"
            )
        return day

    def clean_postcode(self) -> str:
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if postcode and not re.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}", postcode):
            raise forms.ValidationError("Enter a real postcode, like NW1 2DB")
        return postcode

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_of_birth") and cleaned.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                "Give a date of birth or an expected date of birth, not both",
            )
        if any(cleaned.get(k) for k in ("line_2", "town", "postcode")) and not cleaned.get(
            "line_1"
        ):
            self.add_error("line_1", "Enter address line 1, or leave the whole address blank")
        return cleaned

    def person_data(self) -> tuple[dict, dict]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("line_1", "line_2", "town", "postcode")
        }
        data["interpreter_needed"] = bool(data.get("interpreter_needed"))
        if "disabilities" in data:
            data["disabilities"] = list(data["disabilities"])
        address = {k: self.cleaned_data[k] for k in ("line_1", "line_2", "town", "postcode")}
        return data, address


ADULT_ROLES = [(r.value, r.label) for r in ContactRole if r != ContactRole.CHILD]


class LinkAdultForm(GovukForm):
    """How an adult relates to the children on this contact."""

    submit_label = "Add to contact"
    role = forms.ChoiceField(
        label="Their part in this contact",
        choices=ADULT_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their part in this contact"},
    )
    relationship_to_children = forms.ChoiceField(
        label="Relationship to the child or children",
        choices=[("", "Select a relationship")] + RelationshipType.choices,
        required=False,
    )
    has_parental_responsibility = yes_no_field("Do they have parental responsibility?")
    lives_with_children = yes_no_field("Do they live with the child or children?")


class PersonWithLinkForm(PersonForm):
    """Create an adult and say how they relate to the children, on one page."""

    def __init__(self, *args, adult: bool = False, **kwargs):
        self.adult = adult
        super().__init__(*args, **kwargs)
        if adult:
            for name, field in LinkAdultForm.base_fields.items():
                self.fields[name] = copy.deepcopy(field)
            # The census items are a child's: an adult's record does not ask for them.
            for name in CIN_PERSON_FIELDS:
                del self.fields[name]
            self.helper.layout = Layout(*self.layout())

    def layout(self) -> list:
        base = super().layout()
        if not self.adult or "role" not in self.fields:
            return base
        link = [self.field_layout(n) for n in LinkAdultForm.base_fields]
        return [
            HTML('<h2 class="govuk-heading-m">Their part in this contact</h2>'),
            *link,
            HTML('<h2 class="govuk-heading-m">Their details</h2>'),
            *base,
        ]

    def link_data(self) -> dict:
        if not self.adult:
            return {"role": ContactRole.CHILD}
        return {name: self.cleaned_data.get(name) for name in LinkAdultForm.base_fields}

    def person_data(self) -> tuple[dict, dict]:
        data, address = super().person_data()
        for name in LinkAdultForm.base_fields:
            data.pop(name, None)
        return data, address


class ScreenForm(GovukForm):
    submit_label = "Confirm screening decision"
    rationale = forms.CharField(
        label="Screening notes",
        help_text="Anything the next person should know: checks done, who you spoke to.",
        required=False,
        widget=forms.Textarea,
    )
    signposting = forms.CharField(
        label="Information or signposting given",
        help_text="What the caller was told, and which services they were pointed to.",
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, information_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not information_only:
            del self.fields["signposting"]
            self.helper.layout = Layout(*self.layout())


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"Level {obj.level.number}: {obj.text}"


class RatingForm(GovukForm):
    """The senior practitioner's initial rating against the threshold table."""

    submit_label = "Confirm rating"
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG rating"},
        help_text="Red: risk of immediate or serious harm. Amber: risk of harm, not imminent, or a child "
        "in need. Green: low-level needs, early help.",
    )
    level = forms.TypedChoiceField(
        label="Level of need",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of need"},
    )
    cp_concerns = yes_no_field("Are there child protection concerns?", required=True)
    indicators = IndicatorChoiceField(
        label="Threshold indicators present",
        queryset=ThresholdIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(
        label="What happens next",
        widget=forms.RadioSelect,
        required=False,
        help_text="Red, amber with child protection concerns, and children previously known to social "
        "care or open to early help go to the MASH manager whatever you choose here.",
    )
    borderline = forms.ChoiceField(
        label="Why the daily discussion (for the daily discussion)",
        choices=BorderlineReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    team = referral_team_field()
    assessment_type = assessment_type_field()
    primary_need = primary_need_field()
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this rating and this outcome, with reference to the thresholds.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the rationale for the rating"},
    )

    # What each outcome needs: revealed under its radio (GOV.UK conditional reveal, which
    # GOV.UK Frontend hides until the radio is chosen; without JavaScript all show, with hints).
    REVEALS = {
        RatingOutcome.SOCIAL_WORK_REFERRAL: ("team", "assessment_type", "primary_need"),
        RatingOutcome.DAILY_DISCUSSION: ("borderline",),
    }

    def __init__(self, *args, profile, levels, show_consent_warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_consent_warning = show_consent_warning
        self.fields["level"].choices = [
            (lvl.number, f"Level {lvl.number}: {lvl.name}") for lvl in levels
        ]
        self.fields["indicators"].queryset = ThresholdIndicator.objects.filter(
            level__in=levels
        ).select_related("level")
        # The indicators grouped by level, each with its position among the field's choices
        # (the checkbox ids are the field's id and that position, as Django numbers them).
        position = iter(range(sum(len(lvl.indicators.all()) for lvl in levels)))
        self.indicator_groups = [
            (lvl, [(next(position), ind) for ind in lvl.indicators.all()]) for lvl in levels
        ]
        self.fields["outcome"].choices = [(o, RatingOutcome(o).label) for o in profile.outcomes]
        self.fields["team"].queryset = referral_teams(profile)
        self.fields["team"].label_from_instance = referral_team_label
        for name in ("team", "assessment_type", "primary_need"):
            self.fields[name].help_text = " ".join(
                filter(
                    None,
                    ["Only for a referral to a social work team.", self.fields[name].help_text],
                )
            )
        self.fields["borderline"].help_text = "Only for the daily discussion."
        self.helper.layout = Layout(*self.layout())

    def layout(self) -> list:
        if not hasattr(self, "indicator_groups"):
            return []
        return [
            Field.radios(name, legend_size=Size.SMALL) for name in ("rag", "level", "cp_concerns")
        ] + [
            Field("indicators", template="referrals/includes/_indicator_checkboxes.html"),
            ConditionalRadios(
                "outcome",
                *[
                    self._outcome_choice(value, label)
                    for value, label in self.fields["outcome"].choices
                ],
            ),
            self.field_layout("rationale"),
        ]

    def _outcome_choice(self, value: str, label: str):
        revealed = [self.field_layout(name) for name in self.REVEALS.get(value, ())]
        if value == RatingOutcome.EARLY_HELP and self.show_consent_warning:
            revealed.append(
                HTML('{% include "referrals/includes/_early_help_consent_warning.html" %}')
            )
        return ConditionalQuestion(label, *revealed) if revealed else label


class ReferrerToldForm(GovukForm):
    submit_label = "Record that the referrer was told"
    how = forms.ChoiceField(
        label="How was the referrer told?",
        choices=[
            ("phone", "Phone"),
            ("email", "Email"),
            ("letter", "Letter"),
            ("in person", "In person"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the referrer was told"},
    )
    note = forms.CharField(
        label="What they were told",
        help_text="A member of the public is told only what confidentiality allows.",
        required=False,
        widget=forms.Textarea,
    )


class WrittenFollowUpForm(GovukForm):
    submit_label = "Record the written follow-up"
    note = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)


class InformationAndAdviceForm(GovukForm):
    submit_label = "Record as completed"
    note = forms.CharField(
        label="What information and advice was given, and to whom",
        widget=forms.Textarea,
        error_messages={"required": "Enter what information and advice was given"},
    )
