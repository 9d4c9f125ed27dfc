"""The form a receiving team uses to record a child's children in need census episode."""

from django import forms

from core.forms import GovukDateField, GovukForm, bool_initial, yes_no_field

from .models import CinClosureReason, CinEpisode, PrimaryNeed

DATE_HINT = "For example, 27 3 2027"


class EpisodeForm(GovukForm):
    """Formats only: whether the dates agree with each other is `cin.episode_problems`, which
    the service applies and the page shows next to the fields."""

    submit_label = "Save census details"
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Select the child's primary need")] + PrimaryNeed.choices,
        required=False,
    )
    nfa = yes_no_field(
        "Did the referral end in no further action?",
        help_text="No further action straight after the referral, without an assessment.",
    )
    assessment_started_on = GovukDateField(
        label="Assessment start date", required=False, help_text=DATE_HINT
    )
    assessment_authorised_on = GovukDateField(
        label="Assessment authorisation date", required=False, help_text=DATE_HINT
    )
    closed_on = GovukDateField(label="Closure date", required=False, help_text=DATE_HINT)
    closure_reason = forms.ChoiceField(
        label="Reason for closure",
        choices=[("", "Select a reason, if the case has closed")] + CinClosureReason.choices,
        required=False,
    )

    @staticmethod
    def initial_from(episode: CinEpisode) -> dict:
        initial = {name: getattr(episode, name) for name in EpisodeForm.base_fields}
        initial["nfa"] = bool_initial(episode.nfa)
        return initial

    def episode_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in EpisodeForm.base_fields}
        data["nfa"] = bool(data["nfa"])
        return data
