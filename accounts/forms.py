from crispy_forms_gds.layout import Field, Fixed
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.forms import govuk_layout


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is inactive",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        govuk_layout(
            self,
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
            submit="Sign in",
        )


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
        govuk_layout(self, Field.textarea("reason", rows=4), submit="Break the glass")

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Say why you need to read case records, in a sentence")
        return reason


class TwoFactorCodeForm(forms.Form):
    """The code at sign-in: 6 digits from the authenticator app, or one backup code."""

    code = forms.CharField(
        label="Code",
        help_text="The 6 digits your authenticator app shows now, or one of your backup codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, submit: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        )
        govuk_layout(self, Field.text("code", field_width=Fixed.TEN), submit=submit)


class TwoFactorEnrolForm(TwoFactorCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit="Confirm and continue", **kwargs)
        self.fields[
            "code"
        ].help_text = "The 6 digits your authenticator app shows for this service."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting their two-factor sign-in?",
        help_text="For example: lost or replaced phone. The reason is kept in the record.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why the two-factor sign-in is being reset"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_layout(self, Field.textarea("reason", rows=3), submit="Continue")

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(
                "Say why the two-factor sign-in is being reset, in a sentence"
            )
        return reason


def _password_help() -> str:
    return "At least 12 characters. A few unrelated words together make a good password."


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        help_text=_password_help(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.text(name, field_width=Fixed.TWENTY) for name in self.fields]
        govuk_layout(self, *fields, submit="Change password")

    def clean(self):
        data = super().clean()
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", "The two new passwords are not the same")
        return data


class SetPasswordForm(PasswordChangeForm):
    """The new password on an emailed reset link: no current password."""

    def __init__(self, user=None, *args, **kwargs):
        # Django's PasswordResetConfirmView passes the user first.
        self.user = user
        super().__init__(*args, **kwargs)
        del self.fields["old_password"]
        govuk_layout(
            self,
            *[Field.text(name, field_width=Fixed.TWENTY) for name in self.fields],
            submit="Reset password",
        )

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        if data.get("new_password1") and not self.has_error("new_password2"):
            try:
                validate_password(data["new_password1"], self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data

    def save(self, commit: bool = True):
        from .passwords import password_reset_complete

        password_reset_complete(user=self.user, new=self.cleaned_data["new_password1"])
        self.user.refresh_from_db()
        return self.user


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The work email address your account has.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        govuk_layout(self, Field.text("email", field_width=Fixed.TWENTY), submit="Send reset link")


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
        govuk_layout(self, Field.textarea("reason", rows=3), submit="Unlock")

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Say why you are unlocking it, in a sentence")
        return reason
