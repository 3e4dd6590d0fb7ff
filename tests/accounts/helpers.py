"""Small helpers for the account tests."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User


def give_address(user: User, email: str, verified: bool = True) -> EmailAddress:
    """Record ``email`` as the user's primary address, as the demo and `createuser` do."""
    user.email = email
    user.save(update_fields=["email"])
    return EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
