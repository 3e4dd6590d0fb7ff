"""The record of every message sent, and each person's choice of how they are told."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from followup.partnerships.models import Partnership


class Message(models.Model):
    """One email, recorded before it is sent. ``event`` names what it is about (for example
    ``digest:round-4:user-7``) and is unique: a second attempt at the same event finds the row and
    sends nothing, however often ``followup tick`` runs or the worker retries."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Update requests"
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_SENT = "not_sent", "Not sent (the person asked for no email)"

    event = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    to_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    answer = models.TextField(blank=True, help_text="What the mail server said.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address or 'nobody'}: {self.subject}"


class Notifying(models.Model):
    """How a person wants to be told of update requests. Without a row, ``EVERYTHING``."""

    class How(models.TextChoices):
        EVERYTHING = "everything", "Email me each round's requests, reminders and escalations"
        DIGEST_ONLY = "digest_only", "Email me each round's requests, but no reminders"
        NOTHING = "nothing", "Don't email me: I'll look at my 'For you' page"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifying"
    )
    how = models.CharField(max_length=12, choices=How.choices, default=How.EVERYTHING)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_how_display()
