"""Invitation links: a random token, of which only a hash is stored, and the email that carries it.

The link works once (``accepted_at``), until it expires (``FOLLOWUP_INVITATION_DAYS``), unless
it is revoked, and only for the address it was sent to: accepting it signs in or creates the
account with that address, never another (``followup.accounts.actions``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.utils import timezone

from followup.accounts.models import Invitation

Link = Callable[[str], str]
"""Makes the accept link, with the request's scheme and host, from a token."""


def new_token() -> tuple[str, str]:
    """A token for the link, and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)


def find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("partnership", "organisation", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def why_unusable(invitation: Invitation | None) -> str:
    """Why the link cannot be used, in words for the person holding it; empty if it can."""
    if invitation is None:
        return "This invitation link is not recognised. Check you copied all of it."
    if invitation.accepted_at is not None:
        return "This invitation has already been used. Sign in to reach the partnership."
    if invitation.revoked_at is not None:
        return "This invitation was withdrawn. Ask the person who invited you for a new one."
    if invitation.expires_at <= timezone.now():
        return "This invitation has expired. Ask the person who invited you to send it again."
    if invitation.partnership.is_archived:
        return "This partnership is archived: nobody can join it."
    return ""


def account_for(email: str) -> User | None:
    """The account that has this address (verified or not, primary or not), if any."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        owner: User = address.user
        return owner
    return User.objects.filter(email__iexact=email).first()


def has_address(user: User, email: str) -> bool:
    if user.email.lower() == email.lower():
        return True
    found: bool = EmailAddress.objects.filter(user=user, email__iexact=email).exists()
    return found


def send(invitation: Invitation, token: str, link: Link) -> None:
    """Email the invitation to its address."""
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "Followup"
    days = settings.INVITATION_DAYS
    body = (
        f"Hello,\n\n"
        f"{inviter} has invited you to join {invitation.partnership.name} on Followup as "
        f"{invitation.get_role_display().lower()}.\n\n"
        f"To accept, open this link:\n\n{link(token)}\n\n"
        f"The link works once, for {days} day{'s' if days != 1 else ''}, and only for this email "
        f"address ({invitation.email}). If you already have a Followup account with this address, "
        f"you will be asked to sign in to it; otherwise you will choose a username and password.\n\n"
        f"If you did not expect this invitation, you can ignore this email.\n"
    )
    send_mail(
        f"Followup: you are invited to join {invitation.partnership.name}",
        body,
        None,
        [invitation.email],
    )
