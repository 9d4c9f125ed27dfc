"""Forms for telling the referrer: confirm the previewed notice, record a posted letter."""

from crispy_forms_gds.layout import Field
from django import forms

from core.forms import GovukForm


class SendNoticeForm(GovukForm):
    """Confirms the notice previewed for one outcome, so an outcome decided meanwhile is shown
    before anything is sent."""

    submit_label = "Send the outcome to the referrer"
    previewed = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def layout(self) -> list:
        return [Field("previewed")]


class LetterPostedForm(GovukForm):
    submit_label = "Record that the letter was posted"
    notice = forms.IntegerField(widget=forms.HiddenInput)

    def layout(self) -> list:
        return [Field("notice")]
