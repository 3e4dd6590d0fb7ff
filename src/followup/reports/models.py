"""Published reports: frozen snapshots that never change; a correction is a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from followup.inspections.models import Inspection
from followup.partnerships.models import Partnership
from followup.reviews.models import ProgressReview


class Publication(models.Model):
    """One published version of a report, in its three formats, with their SHA-256 digests."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Progress review report"
        INSPECTION = "inspection", "Inspection summary"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    review = models.ForeignKey(
        ProgressReview, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField()
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    title = models.CharField(max_length=300)
    correction_note = models.TextField(blank=True, help_text="What this version corrects.")
    html = models.BinaryField()
    pdf = models.BinaryField()
    docx = models.BinaryField()
    sha256_html = models.CharField(max_length=64)
    sha256_pdf = models.CharField(max_length=64)
    sha256_docx = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-version"]
        constraints = [
            # One version N of each document. Two constraints, because an inspection summary has
            # no review, and NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["review", "version"],
                condition=models.Q(kind="review"),
                name="one_version_of_a_review_report",
            ),
            models.UniqueConstraint(
                fields=["inspection", "version"],
                condition=models.Q(kind="inspection"),
                name="one_version_of_an_inspection_summary",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="review", review__isnull=False)
                | models.Q(kind="inspection", review__isnull=True),
                name="publication_kind_matches_its_review",
            ),
            # Version 1 replaces nothing; every later version replaces one.
            models.CheckConstraint(
                condition=models.Q(version=1, replaces__isnull=True)
                | models.Q(version__gt=1, replaces__isnull=False),
                name="publication_replaces_the_version_before",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A published report never changes: publish a correction instead.")
        super().save(*args, **kwargs)

    def digest(self, fmt: str) -> str:
        return str(getattr(self, f"sha256_{fmt}"))

    def content(self, fmt: str) -> bytes:
        return bytes(getattr(self, fmt))
