"""Sign-in and account events, written to the audit log as they happen.

django-allauth and Django announce them with signals; ``AccountsConfig.ready`` connects the
receivers below. Each entry is about the account (``auth.user``) and says from which address and
browser. Passwords, reset keys and confirmation keys are never written: only that something
happened. A sign-in attempt naming no account is recorded without the name typed (it may be a
password typed into the wrong box). Second-factor events are recorded where they are handled.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as allauth
from allauth.account.models import EmailAddress
from django.contrib.auth import signals as django
from django.contrib.auth.models import User
from django.http import HttpRequest

from followup.accounts import throttle
from followup.audit.log import record, record_visitor

SIGN_IN = "account.sign_in"
SIGN_IN_FAILED = "account.sign_in_failed"
SIGN_OUT = "account.sign_out"
PASSWORD_CHANGED = "account.password_change"
PASSWORD_RESET_REQUESTED = "account.password_reset_request"
PASSWORD_RESET = "account.password_reset"
EMAIL_ADDED = "account.email_add"
EMAIL_CONFIRMED = "account.email_confirm"
EMAIL_CHANGED = "account.email_change"
EMAIL_REMOVED = "account.email_remove"
SIGN_INS = (SIGN_IN, SIGN_IN_FAILED)


def where(request: HttpRequest | None) -> dict[str, list[Any]]:
    """The client's address and browser, as an entry's changes."""
    if request is None:
        return {}
    return {
        "address": [None, throttle.client_ip(request)],
        "browser": [None, str(request.META.get("HTTP_USER_AGENT", ""))[:200]],
    }


def account_named(login: str) -> User | None:
    """The active account a sign-in attempt named, by username or by email address."""
    if not login:
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is None and "@" in login:
        address = EmailAddress.objects.filter(email__iexact=login).select_related("user").first()
        user = address.user if address is not None else None
        user = user or User.objects.filter(email__iexact=login).first()
    return user


def signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(user, SIGN_IN, user, where(request))


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    login = str(credentials.get("username") or credentials.get("email") or "")
    record_visitor(SIGN_IN_FAILED, account_named(login), where(request), "auth.user")


def signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        record(user, SIGN_OUT, user, where(request))


def password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(user, PASSWORD_CHANGED, user, {"password": ["(set)", "(changed)"], **where(request)})


def password_reset_requested(request: HttpRequest | None, user: User) -> None:
    """Called by the adapter as it sends a reset link (allauth has no signal for it)."""
    if request is not None and request.user.is_authenticated:
        record(request.user, PASSWORD_RESET_REQUESTED, user, where(request))
    else:
        record_visitor(PASSWORD_RESET_REQUESTED, user, where(request))


def password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(user, PASSWORD_RESET, user, {"password": ["(set)", "(changed)"], **where(request)})


def email_added(
    sender: Any, request: HttpRequest, user: User, email_address: EmailAddress, **kwargs: Any
) -> None:
    record(user, EMAIL_ADDED, user, {"email_address": [None, email_address.email]})


def email_confirmed(
    sender: Any, request: HttpRequest, email_address: EmailAddress, **kwargs: Any
) -> None:
    user = email_address.user
    actor = request.user if request.user.is_authenticated else user
    record(actor, EMAIL_CONFIRMED, user, {"confirmed_address": [None, email_address.email]})


def email_changed(
    sender: Any,
    request: HttpRequest,
    user: User,
    from_email_address: EmailAddress | None,
    to_email_address: EmailAddress,
    **kwargs: Any,
) -> None:
    old = from_email_address.email if from_email_address is not None else None
    actor = request.user if request.user.is_authenticated else user
    record(actor, EMAIL_CHANGED, user, {"email": [old, to_email_address.email]})


def email_removed(
    sender: Any, request: HttpRequest, user: User, email_address: EmailAddress, **kwargs: Any
) -> None:
    record(user, EMAIL_REMOVED, user, {"email_address": [email_address.email, None]})


def connect() -> None:
    """Connect the receivers; called once, from ``AccountsConfig.ready``."""
    allauth.user_logged_in.connect(signed_in, dispatch_uid="followup.sign_in")
    django.user_login_failed.connect(sign_in_failed, dispatch_uid="followup.sign_in_failed")
    django.user_logged_out.connect(signed_out, dispatch_uid="followup.sign_out")
    allauth.password_changed.connect(password_changed, dispatch_uid="followup.password_change")
    allauth.password_reset.connect(password_reset, dispatch_uid="followup.password_reset")
    allauth.email_added.connect(email_added, dispatch_uid="followup.email_add")
    allauth.email_confirmed.connect(email_confirmed, dispatch_uid="followup.email_confirm")
    allauth.email_changed.connect(email_changed, dispatch_uid="followup.email_change")
    allauth.email_removed.connect(email_removed, dispatch_uid="followup.email_remove")
