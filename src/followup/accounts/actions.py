"""Every write to user accounts made outside Django's admin (which is audited in audit/adminbase.py)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from followup.accounts.signals import kind
from followup.audit.log import diff, record, snapshot
from followup.lib.types import Actor, CommandLine
from followup.partnerships import access


def create_user(
    actor: Actor, *, username: str, email: str, password: str, superuser: bool = False
) -> User:
    """Create a user (a superuser may use the Django admin). Only the command line's operator or
    a superuser may; the password is validated by the caller and never recorded. An email
    address is recorded as the account's primary address, not yet confirmed: a password reset
    link can be sent to it, and its owner confirms it from their account page."""
    if not isinstance(actor, CommandLine) and not (
        isinstance(actor, User) and actor.is_active and actor.is_superuser
    ):
        raise PermissionDenied("Only an administrator can create users.")
    with transaction.atomic():
        if superuser:
            user = User.objects.create_superuser(username, email, password)
        else:
            user = User.objects.create_user(username, email, password)
        if email:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        record(actor, "user.create", user, diff({}, snapshot(user)))
    return user


def reset_second_factors(actor: Actor, user: User) -> list[str]:
    """Remove every second factor of ``user`` (who has lost theirs) and end their sessions, so
    that they sign in again and, if they must use one, set up a new factor first. Only a service
    administrator may, and not for themselves; the reset is on the record. Returns the kinds of
    factor removed."""
    if not (isinstance(actor, User) and access.is_service_admin(actor)):
        raise PermissionDenied("Only a service administrator can reset someone's second factors.")
    if actor.pk == user.pk:
        raise PermissionDenied("Ask another service administrator to reset your second factors.")
    with transaction.atomic():
        authenticators = Authenticator.objects.select_for_update().filter(user=user)
        removed = sorted(kind(a) for a in authenticators)
        authenticators.delete()
        for session in UserSession.objects.filter(user=user):
            session.end()
        record(actor, "mfa.reset", user, {"second_factors": [removed, []]})
    return removed
