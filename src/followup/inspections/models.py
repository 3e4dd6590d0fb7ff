"""Inspections, their evaluations of quality indicators, and their recommendations."""

from __future__ import annotations

from typing import Any

from django.db import models

from followup.frameworks.models import Framework, QualityIndicator, level_for
from followup.partnerships.models import Partnership


class Inspection(models.Model):
    """One inspection of one partnership under one framework version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="inspections"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    title = models.CharField(max_length=300)
    scope = models.TextField(blank=True, help_text="What the inspection covered.")
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    key_messages = models.TextField(blank=True, help_text="One message per line.")
    source_note = models.TextField(blank=True, help_text="Where these facts come from.")
    scale = models.JSONField(help_text="Copy of the framework's scale levels when created.")
    scale_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-fieldwork_start", "-id"]

    def __str__(self) -> str:
        return self.title

    def key_message_list(self) -> list[str]:
        return [line.strip() for line in self.key_messages.splitlines() if line.strip()]

    def scale_choices(self) -> list[tuple[int, str]]:
        return [(level["value"], f"{level['value']} – {level['word']}") for level in self.scale]


class Evaluation(models.Model):
    """A quality indicator's grade on the inspection's own copy of the scale."""

    class Basis(models.TextChoices):
        STATED = "stated", "Stated in the report"
        INFERRED = "inferred", "Inferred"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evaluations")
    quality_indicator = models.ForeignKey(QualityIndicator, on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.STATED)
    narrative = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_for_improvement = models.TextField(blank=True)
    source_note = models.TextField(blank=True, help_text="Where this grade comes from.")

    class Meta:
        ordering = ["quality_indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "quality_indicator"], name="one_evaluation_per_qi"
            )
        ]

    def __str__(self) -> str:
        level = self.level
        grade = f"{level['word']} ({level['value']})" if level else "not graded"
        return f"{self.quality_indicator.name}: {grade}"

    @property
    def level(self) -> dict[str, Any] | None:
        return level_for(self.inspection.scale, self.grade)


class Recommendation(models.Model):
    """An area for improvement, numbered within its inspection and linked to QIs."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="The recommendation as the report words it.")
    detail = models.TextField(blank=True, help_text="Context from the report.")
    quality_indicators = models.ManyToManyField(QualityIndicator, blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="unique_rec_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"[:200]

    @property
    def partnership(self) -> Partnership:
        return self.inspection.partnership
