"""The improvement plan: actions and their append-only updates."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models

from followup.inspections.models import Recommendation
from followup.lib.dates import day
from followup.partnerships.models import Organisation, Partnership


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_STATUSES = (ActionStatus.COMPLETE, ActionStatus.CANCELLED)


class Action(models.Model):
    """A step of the improvement plan, answering one or more recommendations."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    lead_person = models.CharField(max_length=200, blank=True, help_text="Name or post")
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        verbose_name="lead person's account",
        help_text="The member who is asked for the action's updates.",
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    is_illustrative = models.BooleanField(
        default=False, help_text="Made up for the demonstration; not a real partnership's action."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return (
            self.due_date is not None
            and self.due_date < today
            and self.status not in CLOSED_STATUSES
        )


class ActionUpdate(models.Model):
    """A dated progress note on an action. Never edited or deleted: history is kept whole."""

    class Rating(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField("date of the update", help_text="The date the update describes.")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    rating = models.CharField("progress against plan", max_length=20, choices=Rating.choices)
    note = models.TextField("what has happened")
    # Who wrote it, as plain values: deleting the user changes no update.
    author_id = models.BigIntegerField(
        null=True, blank=True, help_text="The author's user id when they wrote it."
    )
    author_name = models.CharField(
        max_length=150, blank=True, help_text="The author's username when they wrote it."
    )
    # The update request it answers, if any, and the returned update it revises, if any.
    request = models.ForeignKey(
        "UpdateRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="updates"
    )
    revises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        get_latest_by = ["on", "id"]

    def __str__(self) -> str:
        return f"{day(self.on)}: {self.get_status_display()} ({self.get_rating_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Action updates are append-only.")
        super().save(*args, **kwargs)


class UpdateDecision(models.Model):
    """The lead officer's (or their delegate's) decision on an update: accepted, or returned with
    a reason. One per update, never changed; a returned update is revised by a new update. Only
    an accepted update changes its action's status and appears in reports."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned"

    update = models.OneToOneField(ActionUpdate, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True, help_text="Why it was returned (required then).")
    # Who decided, as plain values, as for an update's author.
    by_id = models.BigIntegerField(null=True, blank=True)
    by_name = models.CharField(max_length=150, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.by_name or 'unknown'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Decisions on updates are never changed.")
        super().save(*args, **kwargs)


def update_file(instance: UpdateFile, filename: str) -> str:
    """Where an update's file is stored: ``plans/partnership-7/action-12/<token>/paper.pdf``.
    The name a person gave the file is kept in ``filename``; the stored name is built from ids
    and a random token (``followup.lib.storedfiles``), with a safe suffix."""
    from followup.lib.storedfiles import token

    action = instance.update.action
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"plans/partnership-{action.partnership_id}/action-{action.pk}/{token()}/file.{suffix}"


class UpdateFile(models.Model):
    """Evidence carried by an update (a committee paper, an audit report), kept in the storage."""

    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=update_file, max_length=300)
    filename = models.CharField(max_length=255, help_text="The name the file was given.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by_id = models.BigIntegerField(null=True, blank=True)
    added_by_name = models.CharField(max_length=150, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class UpdateCycle(models.Model):
    """How often a partnership's plan asks for its updates: monthly or quarterly from a first
    due date, or on dates of its own (``CycleDate``). A round opens ``opens_days_before`` days
    before each due date; reminders go ``remind_before`` days before and ``remind_after`` days
    after it; ``escalate_after`` days after the due date, a request still unanswered is escalated
    to the partnership's lead officers."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        DATES = "dates", "On dates we choose"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="update_cycle"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUARTERLY)
    first_due_on = models.DateField(
        null=True, blank=True, help_text="The first due date of a monthly or quarterly cycle."
    )
    opens_days_before = models.PositiveSmallIntegerField(
        default=14, help_text="Days before the due date that the requests go out."
    )
    remind_before = models.JSONField(
        default=list, blank=True, help_text="Days before the due date to remind, e.g. [7, 1]."
    )
    remind_after = models.JSONField(
        default=list, blank=True, help_text="Days after the due date to remind, e.g. [3, 10]."
    )
    escalate_after = models.PositiveSmallIntegerField(
        default=14, help_text="Days after the due date to tell the lead officers."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} updates for {self.partnership}"


class CycleDate(models.Model):
    """A due date of a cycle of the partnership's own dates (a week before a meeting, say)."""

    cycle = models.ForeignKey(UpdateCycle, on_delete=models.CASCADE, related_name="dates")
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "due_on"], name="unique_cycle_date")
        ]

    def __str__(self) -> str:
        return day(self.due_on)


class UpdateRound(models.Model):
    """One opening of the cycle: the requests due on one date. One per partnership and date, so
    that opening it twice makes nothing new."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="update_rounds"
    )
    due_on = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "due_on"], name="one_round_a_date")
        ]

    def __str__(self) -> str:
        return f"Updates due {day(self.due_on)}"


class UpdateRequest(models.Model):
    """An open action's request for an update in one round, addressed to its lead person (or,
    with none, its owner organisation's contact). One per round and action. A request still
    waiting is closed (no longer asked) when the next round asks again, or when its action is
    complete or cancelled."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an update"
        SUBMITTED = "submitted", "Update waiting for acceptance"
        RETURNED = "returned", "Update returned"
        ACCEPTED = "accepted", "Update accepted"
        CLOSED = "closed", "No longer asked"

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="requests")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="requests")
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="update_requests",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round__due_on", "action_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "action"], name="one_request_a_round")
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_state_display()}"
