"""Qualitative evidence: sources, a hierarchical codebook, and codings of spans of text."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from followup.lib import storedfiles
from followup.partnerships.models import Partnership

WELLBEING_MEANINGS = {
    "Safe": "Protected from abuse, neglect or harm at home, at school and in the community; feeling secure and listened to.",
    "Healthy": "The highest attainable standards of physical and mental health, access to suitable healthcare, and support to make healthy, safe choices.",
    "Achieving": "Supported and guided in learning and in developing skills, confidence and self-esteem at home, at school and in the community.",
    "Nurtured": "A nurturing place to live, with the physical and emotional security, compassion and warmth needed to grow.",
    "Active": "Opportunities for play, recreation and sport that support healthy growth, at home, at school and in the community.",
    "Respected": "Involved in, and heard on, the decisions that affect their life, with support where needed.",
    "Responsible": "Opportunities and encouragement to take active, responsible roles at home, at school and in the community.",
    "Included": "Help to overcome inequalities, and acceptance as part of family, school and community.",
}


class Case(models.Model):
    """A respondent or group whose words are in sources, described by attributes."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(max_length=200)
    attributes = models.JSONField(default=dict, blank=True, help_text="{attribute: value}")
    memo = models.TextField(blank=True)
    guid = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="Its identity in REFI-QDA exchange."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_case_name"),
            models.UniqueConstraint(fields=["partnership", "guid"], name="unique_case_guid"),
        ]

    def __str__(self) -> str:
        return self.name


def staged_survey_file(instance: SurveyUpload, filename: str) -> str:
    """Where a staged survey's table is stored: ``uploads/surveys/partnership-7/<random>``.
    Never the uploaded file's own name, which is kept in ``filename`` only."""
    return f"uploads/surveys/partnership-{instance.partnership_id}/{storedfiles.token()}.table"


class SurveyUpload(models.Model):
    """A survey file held between its preview and its import (then emptied). Its table is kept
    in the storage (``followup.lib.storedfiles``); ``data`` names it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_uploads"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=255)
    data = models.FileField(upload_to=staged_survey_file, max_length=300, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class Source(models.Model):
    """A document, survey answer, or focus-group or interview note. Its text never changes."""

    class Kind(models.TextChoices):
        SURVEY = "survey", "Survey answers"
        FOCUS_GROUP = "focus_group", "Focus-group notes"
        INTERVIEW = "interview", "Interview notes"
        DOCUMENT = "document", "Document"
        OTHER = "other", "Other"
        # A sample's moderated free-text notes, made a source by the inspection team
        # (followup.front.actions_records.notes_to_source).
        RECORDS = "records", "Records reading notes"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    text = models.TextField(help_text="Normalised plain text (NFC, \\n line endings).")
    collected_on = models.DateField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False)
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    memo = models.TextField(blank=True)
    guid = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="Its identity in REFI-QDA exchange."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "guid"], name="unique_source_guid")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Source.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError("A source's text never changes: codings point into it.")
        super().save(*args, **kwargs)


# Headings of the codebook, shown in its tree but never applied to words: the top of a set of
# codes Followup adds (the wellbeing indicators, a framework's quality indicators) and the
# codes of a framework's headings (its questions and areas, which are not assessable).
HEADINGS = models.Q(origin__in=["wellbeing", "qi"], parent=None) | models.Q(
    quality_indicator__assessable=False
)


class Code(models.Model):
    """A code of the partnership's codebook; codes nest under a parent."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="codes")
    # RESTRICT: a code with codes inside cannot be deleted alone, but goes with its partnership.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#1d70b8", help_text="#RRGGBB")
    origin = models.CharField(
        max_length=40,
        blank=True,
        help_text="wellbeing, qi, or empty for the partnership's own",
    )
    quality_indicator = models.ForeignKey(
        "frameworks.QualityIndicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="codes",
        help_text="The QI this code stands for, in a QI code set.",
    )
    recommendations = models.ManyToManyField(
        "inspections.Recommendation", blank=True, related_name="codes"
    )
    memo = models.TextField(blank=True)
    guid = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="Its identity in REFI-QDA exchange."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "parent", "name"], name="unique_code_name"
            ),
            models.UniqueConstraint(fields=["partnership", "guid"], name="unique_code_guid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_heading(self) -> bool:
        """Whether the code is a heading of the codebook (``HEADINGS``), never applied to words."""
        if self.origin in ("wellbeing", "qi") and self.parent_id is None:
            return True
        qi = self.quality_indicator
        return qi is not None and not qi.assessable


class Coding(models.Model):
    """A code on a span of a source: code-point offsets into the source's normalised text."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="codings")
    # RESTRICT: a used code cannot be deleted alone, but goes with its partnership.
    code = models.ForeignKey(Code, on_delete=models.RESTRICT, related_name="codings")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    memo = models.TextField(blank=True)
    guid = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="Its identity in REFI-QDA exchange."
    )

    class Meta:
        ordering = ["source", "start", "end", "code__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code", "start", "end"], name="one_coding_per_span"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="coding_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code.name}: {self.excerpt[:60]}"

    @property
    def excerpt(self) -> str:
        return self.source.text[self.start : self.end]

    @property
    def preview(self) -> str:
        """The first 1,000 characters of the excerpt, with "…" when there are more: a coding may
        span the whole of a long text, too much for the caption of a page."""
        end = min(self.end, self.start + 1_000)
        return self.source.text[self.start : end] + ("…" if end < self.end else "")


class Quote(models.Model):
    """An excerpt proposed for publication, redacted, and approved before any report may use it.

    ``redactions`` are spans of the excerpt (offsets relative to it) each replaced by a label such
    as [name] or [school] in the published text; the original words stay with the source.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved for publication"

    # A quote belongs to its coding; the actions refuse to remove a quoted coding.
    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="quotes")
    redactions = models.JSONField(
        default=list, blank=True, help_text="[[start, end, label], ...] within the excerpt"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    recommendations = models.ManyToManyField(
        "inspections.Recommendation", blank=True, related_name="quotes"
    )
    quality_indicators = models.ManyToManyField(
        "frameworks.QualityIndicator", blank=True, related_name="quotes"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.published_text[:80]

    @property
    def published_text(self) -> str:
        """The excerpt with every redacted span replaced by its label."""
        return redacted(self.coding.excerpt, self.redactions)


def redacted(excerpt: str, redactions: list[list[Any]]) -> str:
    """An excerpt with each redacted span (``[start, end, label]`` within it) replaced by its
    label in brackets."""
    text = excerpt
    for start, end, label in sorted(redactions, key=lambda r: r[0], reverse=True):
        text = text[:start] + f"[{label}]" + text[end:]
    return text
