"""Every write to user accounts and invitations made outside Django's admin (which is audited in
audit/adminbase.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from followup.accounts import invitations, queries, tokens
from followup.accounts.models import AccessToken, Invitation
from followup.accounts.receivers import kind
from followup.audit import writes
from followup.audit.log import diff, record, record_many, snapshot
from followup.lib.types import Actor, CommandLine
from followup.partnerships import access
from followup.partnerships.actions import require_manage_members
from followup.partnerships.models import Membership, Partnership


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
    factor removed. Someone with no factor left (another administrator reset them first, from a
    page left open) is left as they are: nothing is removed, nobody is signed out, and nothing is
    recorded."""
    if not (isinstance(actor, User) and access.is_service_admin(actor)):
        raise PermissionDenied("Only a service administrator can reset someone's second factors.")
    if actor.pk == user.pk:
        raise PermissionDenied("Ask another service administrator to reset your second factors.")
    with transaction.atomic():
        authenticators = Authenticator.objects.select_for_update().filter(user=user)
        removed = sorted(kind(a) for a in authenticators)
        if not removed:
            return []
        authenticators.delete()
        for session in UserSession.objects.filter(user=user):
            session.end()
        record(actor, "mfa.reset", user, {"second_factors": [removed, []]})
    return removed


# Invitations -----------------------------------------------------------------------------------

INVITATION_AUDITED = ("partnership", "email", "role", "organisation", "expires_at")


def _invitation_state(invitation: Invitation) -> dict[str, Any]:
    """What the audit log keeps of an invitation: never its token's hash."""
    return snapshot(invitation, INVITATION_AUDITED)


def invite(
    actor: Actor, partnership: Partnership, data: dict[str, Any], link: invitations.Link
) -> Invitation:
    """Invite someone by email to the partnership in a role, and send them the link."""
    require_manage_members(actor, partnership)
    role = data["role"]
    if not isinstance(actor, CommandLine) and role not in access.assignable_roles(actor):
        raise ValidationError({"role": "Choose one of the roles you can give."})
    organisation = data.get("organisation")
    if organisation is not None and organisation.partnership_id != partnership.pk:
        raise ValidationError({"organisation": "Choose one of this partnership's organisations."})
    email = data["email"].strip()
    existing = invitations.account_for(email)
    if existing is not None and (
        Membership.objects.filter(user=existing, partnership=partnership)
        .filter(deactivated_at__isnull=True)
        .exists()
    ):
        raise ValidationError({"email": "The person with this address is already a member."})
    if (
        Invitation.objects.filter(partnership=partnership, email__iexact=email)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .exists()
    ):
        raise ValidationError(
            {"email": "This address has an invitation already: send it again from the list."}
        )
    token, hashed = invitations.new_token()
    with transaction.atomic():
        invitation = Invitation(
            partnership=partnership,
            email=email,
            role=role,
            organisation=organisation,
            token_hash=hashed,
            invited_by=actor if isinstance(actor, User) else None,
            expires_at=invitations.expiry(),
        )
        invitation.full_clean()
        invitation.save()
        record(
            actor,
            "invitation.create",
            invitation,
            diff({}, _invitation_state(invitation)),
            partnership,
        )
        invitations.send(invitation, token, link)
    return invitation


def _pending(invitation: Invitation) -> Invitation:
    current = writes.lock(invitation)
    if not current.is_pending:
        raise ValidationError("This invitation was already accepted or revoked.")
    return current


def resend_invitation(actor: Actor, invitation: Invitation, link: invitations.Link) -> Invitation:
    """Send a new link, valid for the full time again; the old link stops working."""
    require_manage_members(actor, invitation.partnership)
    token, hashed = invitations.new_token()
    with transaction.atomic():
        current = _pending(invitation)
        before = _invitation_state(current)
        current.token_hash = hashed
        current.expires_at = invitations.expiry()
        current.save(update_fields=["token_hash", "expires_at"])
        changes = diff(before, _invitation_state(current))
        record(actor, "invitation.resend", current, changes, current.partnership)
        invitations.send(current, token, link)
    return current


def revoke_invitation(actor: Actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    require_manage_members(actor, invitation.partnership)
    with transaction.atomic():
        current = _pending(invitation)
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        changes = {"revoked_at": [None, current.revoked_at.isoformat()]}
        record(actor, "invitation.revoke", current, changes, current.partnership)
    return current


def _usable(token: str) -> Invitation:
    """The invitation of this token, locked, if its link may be used; ValidationError otherwise."""
    found = invitations.find(token)
    if found is not None:
        found = writes.lock(found)
    reason = invitations.why_unusable(found)
    if reason or found is None:
        raise ValidationError(reason)
    return found


def _join(user: User, invitation: Invitation) -> Membership:
    """Give the user the invitation's membership (bringing back a deactivated one)."""
    partnership = invitation.partnership
    membership = Membership.objects.filter(user=user, partnership=partnership).first()
    values = {"role": invitation.role, "organisation": invitation.organisation}
    if membership is None:
        membership = Membership(user=user, partnership=partnership, **values)
        writes.create(user, "membership.create", membership, partnership)
    else:
        values["deactivated_at"] = None
        writes.update(user, "membership.update", membership, partnership, values)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    changes = {"accepted_by": [None, user.get_username()]}
    record(user, "invitation.accept", invitation, changes, partnership)
    access.forget_memberships(user)
    return membership


def accept_invitation(user: User, token: str) -> Membership:
    """A signed-in person accepts an invitation sent to one of their addresses."""
    with transaction.atomic():
        invitation = _usable(token)
        if not (user.is_authenticated and user.is_active):
            raise PermissionDenied("Sign in to accept this invitation.")
        if not invitations.has_address(user, invitation.email):
            raise PermissionDenied(
                "This invitation was sent to another email address than your account's."
            )
        return _join(user, invitation)


def accept_invitation_with_new_account(token: str, username: str, password: str) -> User:
    """Create the account the invitation's address will sign in to (the address recorded as
    verified: the link reached it), and give it the membership. The password is validated by
    the caller and never recorded."""
    with transaction.atomic():
        invitation = _usable(token)
        if invitations.account_for(invitation.email) is not None:
            raise ValidationError("An account already has this address: sign in to it instead.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken. Choose another."})
        user = User.objects.create_user(username, invitation.email, password)
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
        record(user, "user.create", user, diff({}, snapshot(user)))
        _join(user, invitation)
    return user


def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (``followup tick``): a signed-in browser's session
    holds who it is, so none outlives ``FOLLOWUP_SESSION_ABSOLUTE_HOURS`` in the database
    either. Returns how many were deleted."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# Personal access tokens (followup.accounts.tokens) ---------------------------------------------

TOKEN_AUDITED = ("name", "prefix", "expires_at", "can_write", "allowed_addresses")


def _require_own_tokens(actor: Actor, user: User) -> None:
    """A person makes and revokes their own tokens; the command line's operator anyone's."""
    if isinstance(actor, CommandLine):
        return
    if not (isinstance(actor, User) and actor.is_active and actor.pk == user.pk):
        raise PermissionDenied("You can only make and revoke your own tokens.")


def create_token(
    actor: Actor,
    user: User,
    *,
    name: str,
    days: int = tokens.DEFAULT_DAYS,
    can_write: bool = False,
    allowed_addresses: list[str] | None = None,
) -> tuple[AccessToken, str]:
    """Make a personal access token for ``user``, for ``days`` days (a year at most), read-only
    unless ``can_write``, optionally only from some addresses. Returns the token and its text,
    which is shown once and never stored: only its digest is. Refused for an account that must
    set up a second factor and has not (``access.token_refusal``)."""
    _require_own_tokens(actor, user)
    if not user.is_active:
        raise ValidationError("This account is deactivated: it cannot have tokens.")
    refusal = access.token_refusal(user)
    if refusal is not None:
        raise ValidationError(refusal)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name that says what the token is for."})
    if len(name) > 100:
        raise ValidationError({"name": "Enter a name of 100 characters or fewer."})
    now = timezone.now()
    expires_at = tokens.expiry(days, now)
    networks = tokens.networks(allowed_addresses or [])
    text, digest = tokens.new_token()
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=user,
            name=name,
            digest=digest,
            prefix=tokens.shown(text),
            created_at=now,
            expires_at=expires_at,
            can_write=can_write,
            allowed_addresses=networks,
        )
        record(actor, "token.create", token, diff({}, snapshot(token, TOKEN_AUDITED)))
    return token, text


def revoke_token(actor: Actor, token: AccessToken) -> AccessToken:
    """Stop a token working, at once and for good. Revoking a revoked token changes nothing."""
    _require_own_tokens(actor, token.user)
    with transaction.atomic():
        current = writes.lock(token)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
            changes = {"revoked_at": [None, current.revoked_at.isoformat()]}
            record(actor, "token.revoke", current, changes)
    return current


def revoke_all_tokens(actor: Actor, user: User, partnership: Partnership | None = None) -> int:
    """Revoke every token of ``user`` still in force (their account was deactivated: the
    caller checked that ``actor`` may). Call inside the caller's transaction. Returns how many."""
    now = timezone.now()
    found = list(queries.tokens_in_force(user).select_for_update())
    AccessToken.objects.filter(pk__in=[t.pk for t in found]).update(revoked_at=now)
    changes = {"revoked_at": [None, now.isoformat()]}
    record_many(actor, "token.revoke", [(t, changes) for t in found], partnership)
    return len(found)
