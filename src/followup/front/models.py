"""The one link the composed pages keep: which qualitative source a sample's moderated notes were
made into. It lives here because it joins two domain apps that never know of each other: the
records reading (``records``) and the partnership's qualitative evidence (``evidence``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from followup.evidence.models import Source
from followup.records.models import Sample


class NotesSource(models.Model):
    """A sample's moderated free-text notes, made one qualitative source of the partnership's
    evidence (``actions_records.notes_to_source``): once a sample, so that pressing the button
    again makes no second copy. The source holds no row, reference or reader of the sample:
    this link is the inspection team's only way back from it."""

    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="+")
    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="+")
    notes = models.PositiveIntegerField(help_text="The notes the source holds.")
    left_out = models.PositiveIntegerField(
        default=0, help_text="Notes left out for what looked like a child's identifier."
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = "sample's notes made a source"
        verbose_name_plural = "samples' notes made sources"

    def __str__(self) -> str:
        return f"The notes of {self.sample} as the source {self.source}"
