"""The improvement plan: actions and their append-only updates."""

from __future__ import annotations

import datetime
from typing import Any

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
