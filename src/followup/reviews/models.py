"""Progress reviews: a follow-up of one inspection, judging progress per recommendation."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from followup.frameworks.models import level_for
from followup.inspections.models import Inspection, Recommendation

DEFAULT_PROGRESS_SCALE: list[dict[str, Any]] = [
    {
        "value": 5,
        "word": "Significant progress",
        "meaning": "The recommendation is substantially met.",
    },
    {
        "value": 4,
        "word": "Good progress",
        "meaning": "Clear improvement, with some work to finish.",
    },
    {"value": 3, "word": "Some progress", "meaning": "Improvement begun; much still to do."},
    {"value": 2, "word": "Limited progress", "meaning": "Little change yet."},
    {"value": 1, "word": "No progress", "meaning": "No evident change."},
]
PROGRESS_SCALE_NAME = "Followup progress scale (a project choice, not an official scale)"


class ProgressReview(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="reviews")
    title = models.CharField(max_length=300)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    evidence_cutoff = models.DateField(
        null=True,
        blank=True,
        help_text="Evidence dated after this day stays out of the report. Blank: the end of the "
        "fieldwork, or else the review's publication date.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    overall_conclusion = models.TextField(blank=True)
    further_review_required = models.BooleanField(
        null=True, blank=True, help_text="Blank until the review team decides."
    )
    further_review_note = models.TextField(blank=True)
    source_note = models.TextField(blank=True)
    progress_scale = models.JSONField(help_text="Copy of the progress scale when created.")
    progress_scale_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-fieldwork_start", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def cutoff(self) -> datetime.date | None:
        """The day after which evidence stays out of the report: the cut-off set on the review,
        else the end of its fieldwork, else its publication date (None when it has none)."""
        return self.evidence_cutoff or self.fieldwork_end or self.published_on

    def scale_choices(self) -> list[tuple[int, str]]:
        return [(level["value"], level["word"]) for level in self.progress_scale]


class RecommendationProgress(models.Model):
    """The review's judgement of progress on one recommendation."""

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="judgements")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="progress_judgements"
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    next_steps = models.TextField(blank=True, help_text="What must happen next.")
    evidence = models.TextField(blank=True, help_text="The evidence the judgement rests on.")
    source_note = models.TextField(blank=True)

    class Meta:
        ordering = ["recommendation__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "recommendation"], name="one_judgement_per_recommendation"
            )
        ]

    def __str__(self) -> str:
        level = self.level_info
        return f"{self.recommendation.number}: {level['word'] if level else 'not judged'}"

    @property
    def level_info(self) -> dict[str, Any] | None:
        return level_for(self.review.progress_scale, self.level)
