"""Sign-ins start the session's clock; second-factor events go on the record, and a change of
factor renews the session key (the old key, if someone had it, no longer works)."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from followup.accounts.middleware import start_session
from followup.audit.log import record

KINDS = {
    Authenticator.Type.TOTP: "authenticator app",
    Authenticator.Type.WEBAUTHN: "security key or passkey",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
}


def kind(authenticator: Authenticator) -> str:
    return KINDS.get(Authenticator.Type(authenticator.type), str(authenticator.type))


@receiver(user_logged_in)
def on_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request)


@receiver(mfa.authenticator_added)
def on_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    record(user, "mfa.add", user, {"second_factor": [None, kind(authenticator)]})
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        request.session.cycle_key()


@receiver(mfa.authenticator_removed)
def on_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    record(user, "mfa.remove", user, {"second_factor": [kind(authenticator), None]})
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        request.session.cycle_key()


@receiver(mfa.authenticator_reset)
def on_reset(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    # allauth's one reset: a new set of recovery codes, the old ones no longer work.
    record(user, "mfa.recovery_codes", user, {"recovery_codes": ["(replaced)", "(generated)"]})


@receiver(mfa.authentication_failed)
def on_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    stage = "reauthenticating" if kwargs.get("reauthentication") else "signing in"
    record(user, "mfa.code_failed", user, {"wrong_code": [None, stage]})
