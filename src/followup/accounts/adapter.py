"""How django-allauth behaves in Followup.

Nobody signs up: people join a partnership by invitation (``followup.accounts.invitations``).
Every password check goes through ``followup.accounts.throttle``, which counts failures per account
and per client address in the database, so that parallel guesses cannot pass its limits.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from followup.accounts import throttle

WRONG_PASSWORD = (
    "Enter a correct username (or email address) and password. The password is case-sensitive."
)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no type information
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": WRONG_PASSWORD,
        "email_password_mismatch": WRONG_PASSWORD,
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        """Send a reset link, on the record (allauth sends no signal for it)."""
        from followup.accounts import events

        events.password_reset_requested(self.request, user)
        super().send_password_reset_mail(user, email, context)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The connecting address, which `followup serve` sets from a trusted proxy's header and
        # never from a header the client wrote (docs/deploy.md).
        return throttle.client_ip(request)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """Check a password, if the throttle lets this attempt be evaluated at all."""
        from allauth.account.auth_backends import AuthenticationBackend

        login = str(credentials.get("username") or credentials.get("email") or "")
        try:
            attempt = throttle.begin(request, login)
        except throttle.Throttled as refused:
            raise forms.ValidationError(
                refused.message, code="too_many_login_attempts"
            ) from refused
        AuthenticationBackend.unstash_authenticated_user()
        user: AbstractBaseUser | None = authenticate(request, **credentials)
        user = user or AuthenticationBackend.unstash_authenticated_user()
        if user is not None and not user.is_active:
            # A deactivated account is answered as a wrong password is: allauth's own "account
            # inactive" page would tell a guesser that the password was right.
            user = None
        if user is None:
            attempt.failed()
        else:
            attempt.succeeded(user)
        return user

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """Signed in (every step done): this client becomes a known device of the account."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        throttle.remember_device(request, response, user)
        return response
