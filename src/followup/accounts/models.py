"""Sign-in attempts the throttle keeps in the database, so that throttling works across processes
and threads (``followup.accounts.throttle``); and invitations to join a partnership."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from followup.partnerships.models import Role


class Outcome(models.TextChoices):
    PENDING = "pending", "being checked"
    FAILED = "failed", "wrong password"
    REFUSED = "refused", "refused by the throttle, not checked"
    CLEARED = "cleared", "wrong password, cleared by a password reset"


# Attempts that count against the limits: a password being checked counts before its result.
COUNTED = (Outcome.PENDING, Outcome.FAILED)


class LoginFailure(models.Model):
    """One sign-in attempt that did not succeed (or is being checked): a successful one is
    removed as it succeeds. ``username`` is what was typed, normalised; ``account`` the account it
    names, if any; ``device`` is set when the attempt came from a device the account signed in
    from before (its known-device cookie)."""

    username = models.CharField(max_length=150, db_index=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    ip_address = models.CharField(max_length=45)
    device = models.CharField(max_length=64, blank=True, default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["account", "at"], name="loginfailure_account_at"),
            models.Index(fields=["ip_address", "at"], name="loginfailure_address_at"),
            models.Index(fields=["device", "at"], name="loginfailure_device_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


class ThrottleKey(models.Model):
    """A row per thing being counted. The sign-in throttle's keys (an account, typed name,
    address or device) are locked while it counts and reserves an attempt, so parallel attempts
    take turns; the API's keys (a token, a client address: ``api:``) count their requests in a
    window of a minute, one atomic statement a request (``throttle.count_request``)."""

    key = models.CharField(max_length=200, primary_key=True)
    touched = models.DateTimeField(db_index=True)
    # When the account's owner was told of repeated failures, in the current episode.
    notified_at = models.DateTimeField(null=True, blank=True)
    # The API's count: when its current window began (seconds since the epoch, on the API
    # throttle's clock), and the requests counted in it.
    window_started = models.FloatField(default=0)
    requests = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class Invitation(models.Model):
    """An invitation by email to join a partnership in a role. Its link carries a random token
    of which only a hash is kept; the link works once, until it expires, for the address it was
    sent to (``followup.accounts.invitations``)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.partnership}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def status(self, now: datetime.datetime) -> str:
        if self.accepted_at is not None:
            return "Accepted"
        if self.revoked_at is not None:
            return "Revoked"
        return "Expired" if self.expires_at <= now else "Pending"


class AccessToken(models.Model):
    """A personal access token for the API (``followup.api``): its holder acts as the user, with
    the user's own roles and no more, read-only unless ``can_write``. The token's text is shown
    once when it is made; only its SHA-256 digest is kept (``followup.accounts.tokens``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The token's first characters, not secret, so that its owner can tell their tokens apart.
    prefix = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    can_write = models.BooleanField(default=False)
    # The IP networks it may be used from (e.g. "192.0.2.0/24"); empty: anywhere.
    allowed_addresses = models.JSONField(default=list, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.CharField(max_length=45, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="accesstoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope(self) -> str:
        return "read and write" if self.can_write else "read only"

    def status(self, now: datetime.datetime) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        return "Expired" if self.expires_at <= now else "Active"

    def usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
