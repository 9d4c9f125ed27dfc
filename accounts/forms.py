from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is inactive",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
        )
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.submit_label = "Sign in"


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to read case records?",
        help_text="For example the request or fault you are dealing with. MASH managers and "
        "team managers are told, and every record you open is logged.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why you need to read case records"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("reason", rows=4))
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.submit_label = "Break the glass"

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Say why you need to read case records, in a sentence")
        return reason


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label="Why are you unlocking it?",
        help_text="For example: they rang from their desk and confirmed who they are. "
        "This is recorded with your name.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why you are unlocking it"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("reason", rows=3))
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.submit_label = "Unlock"

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Say why you are unlocking it, in a sentence")
        return reason
