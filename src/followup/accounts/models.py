"""Failed sign-in attempts, kept in the database so throttling works across processes; and
invitations to join a partnership."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from followup.partnerships.models import Role


class LoginFailure(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


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
