"""The partner agency's answer form: a draft may be partial; submission is checked by the service."""

from django import forms

from core.forms import GovukForm, bool_initial, yes_no_field

from .models import PartnerAnswer


class PartnerAnswerForm(GovukForm):
    information_held = forms.CharField(
        label="Information your agency holds",
        help_text="Say so if your agency holds no information about the child or family.",
        required=False,
        widget=forms.Textarea,
    )
    analysis = forms.CharField(
        label="What the information means for the child",
        required=False,
        widget=forms.Textarea,
    )
    share_with_receiving_service = yes_no_field(
        "May this be shared with the service the child is referred to?"
    )
    share_with_family = yes_no_field("May this be shared with the family?")

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may leave anything blank; a submitted answer must say who may see it.
        if submitting:
            self.fields["share_with_receiving_service"].required = True
            self.fields["share_with_receiving_service"].error_messages["required"] = (
                "Select yes if the information may be shared with the service the child is "
                "referred to"
            )
            self.fields["share_with_family"].required = True
            self.fields["share_with_family"].error_messages["required"] = (
                "Select yes if the information may be shared with the family"
            )

    @classmethod
    def initial_from(cls, answer: PartnerAnswer | None) -> dict:
        if answer is None:
            return {}
        return {
            "information_held": answer.information_held,
            "analysis": answer.analysis,
            "share_with_receiving_service": bool_initial(answer.share_with_receiving_service),
            "share_with_family": bool_initial(answer.share_with_family),
        }

    def answer_data(self) -> dict:
        data = self.cleaned_data
        return {
            "information_held": data["information_held"],
            "analysis": data["analysis"],
            # Not answered yet means not shared: the safe default until the agency says yes.
            "share_with_receiving_service": bool(data["share_with_receiving_service"]),
            "share_with_family": bool(data["share_with_family"]),
        }
