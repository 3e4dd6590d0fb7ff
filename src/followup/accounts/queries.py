"""Reads of people's accounts: the signed-in person's own, and, for a service administrator, a
person whose second factors they reset; and invitations, for those who may manage the
partnership's members."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from followup.accounts.events import SIGN_IN, SIGN_INS
from followup.accounts.models import AccessToken, Invitation
from followup.audit.models import AuditEntry
from followup.lib.types import AnyUser
from followup.partnerships import access
from followup.partnerships.access import members_partnership
from followup.partnerships.models import Membership, Partnership

RECENT_SIGN_INS = 20


@dataclass(frozen=True)
class SignIn:
    """One attempt to sign in to the account, from the audit log."""

    at: object
    succeeded: bool
    address: str
    browser: str


def _new(entry: AuditEntry, name: str) -> str:
    value = entry.changes.get(name) if isinstance(entry.changes, dict) else None
    return str(value[1]) if isinstance(value, list) and len(value) == 2 and value[1] else ""


def recent_sign_ins(user: User, limit: int = RECENT_SIGN_INS) -> list[SignIn]:
    """The account's latest sign-ins and failed attempts, newest first."""
    entries = AuditEntry.objects.filter(
        object_type="auth.user", object_id=str(user.pk), verb__in=SIGN_INS
    ).order_by("-at", "-id")[:limit]
    return [
        SignIn(e.at, e.verb == SIGN_IN, _new(e, "address"), _new(e, "browser")) for e in entries
    ]


def memberships(user: User) -> QuerySet[Membership]:
    """The person's own memberships, by partnership name."""
    return (
        Membership.objects.filter(user_id=user.pk, user__is_active=True)
        .select_related("partnership")
        .order_by("partnership__name")
    )


def email_addresses(user: User) -> QuerySet[EmailAddress]:
    """The person's own email addresses, the primary one first."""
    addresses: QuerySet[EmailAddress] = EmailAddress.objects.filter(user_id=user.pk).order_by(
        "-primary", "email"
    )
    return addresses


def person_for(actor: AnyUser, pk: int) -> User:
    """A person's account, for a service administrator; anyone else is told there is none."""
    if not access.is_service_admin(actor):
        raise Http404("No such page.")
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such page.")
    return person


def second_factors(person: User) -> list[Authenticator]:
    return list(Authenticator.objects.filter(user=person).order_by("type", "created_at"))


def invitations_of(user: AnyUser, partnership: Partnership) -> QuerySet[Invitation]:
    """The partnership's invitations not yet accepted or revoked, newest first."""
    members_partnership(user, partnership.slug)
    return Invitation.objects.filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by", "organisation")


def invitation_for(user: AnyUser, slug: str, pk: int) -> Invitation:
    partnership = members_partnership(user, slug)
    invitation = (
        Invitation.objects.filter(partnership=partnership, pk=pk)
        .select_related("partnership")
        .first()
    )
    if invitation is None:
        raise Http404("No such page.")
    return invitation


def tokens_in_force(user: User) -> QuerySet[AccessToken]:
    """The user's tokens that still work: neither revoked nor expired."""
    return AccessToken.objects.filter(
        user_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def own_tokens(user: User) -> QuerySet[AccessToken]:
    """The person's own API tokens, the newest first (revoked and expired ones too)."""
    return AccessToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def own_token(user: User, pk: int) -> AccessToken:
    """One of the person's own API tokens; anyone else's does not exist for them."""
    token = AccessToken.objects.filter(user_id=user.pk, pk=pk).select_related("user").first()
    if token is None:
        raise Http404("No such page.")
    return token
