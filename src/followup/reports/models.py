"""Published reports: frozen snapshots that never change; a correction is a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from followup.inspections.models import Inspection
from followup.lib import storedfiles
from followup.partnerships.models import Partnership
from followup.reviews.models import ProgressReview

FORMATS = ("html", "pdf", "docx")


def publication_file(instance: Publication, filename: str) -> str:
    """Where a published file is stored: ``reports/partnership-7/review-12/v2/report.pdf`` (an
    inspection summary's under ``inspection-N``). One name per version and format, never reused:
    the storage refuses to overwrite a published file."""
    document = (
        f"review-{instance.review_id}"
        if instance.review_id is not None
        else f"inspection-{instance.inspection_id}"
    )
    return (
        f"reports/partnership-{instance.partnership_id}/{document}/v{instance.version}/{filename}"
    )


class Publication(models.Model):
    """One published version of a report, in its three formats, with their SHA-256 digests.
    The files are kept in the storage (``followup.lib.storedfiles``), the digests here."""

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
    html = models.FileField(upload_to=publication_file, max_length=300)
    pdf = models.FileField(upload_to=publication_file, max_length=300)
    docx = models.FileField(upload_to=publication_file, max_length=300)
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

    def file(self, fmt: str) -> FieldFile:
        """The stored file of one format."""
        if fmt not in FORMATS:
            raise ValueError(f"A publication has no {fmt!r} file: only {', '.join(FORMATS)}.")
        file: FieldFile = getattr(self, fmt)
        return file

    def content(self, fmt: str) -> bytes:
        """The whole of one format's file, read from the storage."""
        return storedfiles.read_bytes(self.file(fmt))


PACK_FORMATS = ("docx", "pdf", "xlsx")


def pack_file(instance: ProgressPack, filename: str) -> str:
    """Where a progress pack's file is stored: ``reports/partnership-7/pack-3/pack.pdf``. One
    name per pack and format, never reused."""
    return f"reports/partnership-{instance.partnership_id}/pack-{instance.number}/{filename}"


class ProgressPack(models.Model):
    """A progress pack for the chief officers' group, as it was issued: its Word, PDF and XLSX
    files with their SHA-256 digests, who made it and when (as plain values, as an update's
    author is kept), and a snapshot of each action as the pack showed it, which the next pack
    compares with to say what changed. Numbered 1, 2, 3... within the partnership; never
    changed once made."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="progress_packs"
    )
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField()
    made_by_id = models.BigIntegerField(null=True, blank=True)
    made_by_name = models.CharField(max_length=150, blank=True)
    # {"actions": {"<action id>": {"title", "status", "rating", "update", "accepted": [ids]}}}
    snapshot = models.JSONField(default=dict)
    docx = models.FileField(upload_to=pack_file, max_length=300)
    pdf = models.FileField(upload_to=pack_file, max_length=300)
    xlsx = models.FileField(upload_to=pack_file, max_length=300)
    sha256_docx = models.CharField(max_length=64)
    sha256_pdf = models.CharField(max_length=64)
    sha256_xlsx = models.CharField(max_length=64)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "number"], name="one_progress_pack_of_each_number"
            )
        ]

    def __str__(self) -> str:
        return f"Progress pack {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A progress pack never changes: make a new one instead.")
        super().save(*args, **kwargs)

    def digest(self, fmt: str) -> str:
        return str(getattr(self, f"sha256_{fmt}"))

    def file(self, fmt: str) -> FieldFile:
        """The stored file of one format."""
        if fmt not in PACK_FORMATS:
            raise ValueError(
                f"A progress pack has no {fmt!r} file: only {', '.join(PACK_FORMATS)}."
            )
        file: FieldFile = getattr(self, fmt)
        return file
