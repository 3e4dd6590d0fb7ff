"""django-allauth's account forms, with GOV.UK labels and hints and no placeholders.

The forms' checks are allauth's own; only what a person reads is changed. They are named in
``ACCOUNT_FORMS`` in settings.py.
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth
from django import forms

NEW_PASSWORD_HINT = (
    "Use three or four random words, such as a phrase only you would think of. It must be hard "
    "to guess; capitals, numbers and symbols are not needed."
)

# field name: (label, hint); a hint of None keeps none.
WORDS: dict[str, tuple[str, str | None]] = {
    "email": ("Email address", None),
    "oldpassword": ("Current password", None),
    "password": ("Password", None),
    "password1": ("New password", NEW_PASSWORD_HINT),
    "password2": ("Confirm new password", None),
}


def plain(form: forms.BaseForm) -> None:
    """Give the form's fields Followup's labels and hints, and take the placeholders away (a
    placeholder is no label, and disappears as one types)."""
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        if name in WORDS:
            field.label, hint = WORDS[name]
            field.help_text = hint or ""


class ResetPasswordForm(allauth.ResetPasswordForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)


class ResetPasswordKeyForm(allauth.ResetPasswordKeyForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)


class ChangePasswordForm(allauth.ChangePasswordForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)


class AddEmailForm(allauth.AddEmailForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)
        self.fields["email"].label = "New email address"
        self.fields[
            "email"
        ].help_text = (
            "We will send a link to this address. Your current address stays until you follow it."
        )


class ReauthenticateForm(allauth.ReauthenticateForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)


class LoginForm(allauth.LoginForm):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)
        self.fields["login"].label = "Username or email address"
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class CurrentPasswordForm(ChangePasswordForm):
    """Changing the password: a wrong current password is told as such."""

    def clean_oldpassword(self) -> str:
        try:
            return str(super().clean_oldpassword())
        except forms.ValidationError:
            raise forms.ValidationError(
                "Your current password is not right: enter the password you sign in with.",
                code="wrong_current_password",
            ) from None
