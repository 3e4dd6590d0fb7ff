"""Second factors (django-allauth's ``allauth.mfa``) as Followup uses them.

allauth limits wrong codes with its "login_failed" rate, which Followup turns off because its own
throttle counts wrong passwords (``followup.accounts.throttle``). These forms put a limit of their
own on wrong codes, per account: the "mfa_code" rate in ``ACCOUNT_RATE_LIMITS`` (five a five
minutes). Past it, every code is refused, right or wrong, until the time has passed; a right code
clears the count. allauth also refuses a TOTP code used once already within its window.
"""

from __future__ import annotations

from typing import Any

from allauth.core import context, ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticate
from allauth.mfa.base.forms import ReauthenticateForm as BaseReauthenticate
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser

from followup.partnerships import access

TOO_MANY_CODES = (
    "You have entered too many wrong codes. Wait 5 minutes, then try again with a new code."
)
CODE_HINT = "The 6-digit code from your authenticator app, or one of your recovery codes."
# The kinds of second factor that count as enrolled (``partnerships.access``, which decides who
# must have one): recovery codes only back up one of these.
FACTORS = access.SECOND_FACTORS
has_second_factor = access.has_second_factor


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no type information
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "The code is not right. Enter the code your authenticator app shows now, or one of "
            "your recovery codes."
        ),
        "cannot_generate_recovery_codes": (
            "Set up an authenticator app or a security key before making recovery codes."
        ),
    }


def _code_field(field: forms.Field) -> None:
    field.label = "Code"
    field.help_text = CODE_HINT
    field.widget.attrs = {
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "spellcheck": "false",
        "autocapitalize": "off",
    }


class _Limited:
    """A wrong code counts against the account; a right one clears the count."""

    user: AbstractBaseUser

    def _limited_clean(self, clean: Any) -> str:
        key = f"mfa-code-user-{self.user.pk}"
        if not ratelimit.consume(context.request, action="mfa_code", key=key):
            raise forms.ValidationError(TOO_MANY_CODES, code="too_many_codes")
        code: str = clean()
        ratelimit.clear(context.request, action="mfa_code", key=key)
        return code


class AuthenticateForm(_Limited, BaseAuthenticate):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self.fields["code"])

    def clean_code(self) -> str:
        return self._limited_clean(super().clean_code)


class ReauthenticateForm(_Limited, BaseReauthenticate):  # type: ignore[misc]  # allauth ships no type information
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self.fields["code"])

    def clean_code(self) -> str:
        return self._limited_clean(super().clean_code)
