from django import forms
from django.contrib.auth.forms import AuthenticationForm

from workflow.models import Delivery, NoticeKind


class SignInForm(AuthenticationForm):
    """Django's sign-in form, worded for people who sign in with their work email."""

    username = forms.EmailField(
        label="Work email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an active account. "
        "Check both and try again, or reset your password.",
    }

    def clean(self):
        """A refused sign-in is an error of both fields, said once: beside the email address
        (and in the page's error summary), with the password field described by it too."""
        try:
            return super().clean()
        except forms.ValidationError as refusal:
            self.add_error("username", refusal)
            self.fields["password"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{self['username'].auto_id}_error"}
            )
            return self.cleaned_data


class NoticePreferencesForm(forms.Form):
    """One choice per kind of notice: an email at once, or a line in the daily digest."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NoticeKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current[kind],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": f"Choose how you get “{kind.label.lower()}”"},
            )
