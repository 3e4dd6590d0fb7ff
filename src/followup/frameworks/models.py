"""Quality frameworks and evaluation scales, loaded from the YAML library (see docs/frameworks.md)."""

from __future__ import annotations

from typing import Any

from django.db import models


class Scale(models.Model):
    """An evaluation scale: ordered levels, each with a value, a word and a meaning."""

    urn = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True)
    levels = models.JSONField(help_text="[{value, word, meaning, description}], best first")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the loaded content")

    class Meta:
        ordering = ["urn", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["urn", "version"], name="unique_scale_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Framework(models.Model):
    """A versioned quality framework. Later versions are new rows; old ones stay for old inspections."""

    urn = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    published = models.CharField(max_length=40, blank=True, help_text="Year or date of publication")
    description = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="frameworks")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the loaded content")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["urn", "version"], name="unique_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.short_name or self.name} (v{self.version})"

    def assessable_indicators(self) -> models.QuerySet[QualityIndicator]:
        return self.indicators.filter(assessable=True).order_by("order")


class Publisher(models.Model):
    """Who publishes reports under a framework, as its cover and imprint show them: a framework
    provider's name, address, contact, the licence it publishes under and, optionally, a logo.
    Loaded from the library like frameworks; a framework finds its publisher by ``provider``."""

    urn = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200, help_text="As frameworks name it in 'provider'")
    address = models.TextField(blank=True, help_text="One line of the address per line")
    telephone = models.CharField(max_length=60, blank=True)
    email = models.CharField(max_length=200, blank=True)
    website = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=200, blank=True, help_text="Name of the licence")
    licence_url = models.CharField(max_length=300, blank=True)
    enquiries = models.TextField(blank=True, help_text="The report's contact paragraph")
    logo_png = models.TextField(blank=True, help_text="The logo, a PNG, in base64")
    logo_text = models.CharField(
        max_length=300, blank=True, help_text="The logo's alternative text"
    )
    notes = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the loaded content")

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["urn", "version"], name="unique_publisher_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class QualityIndicator(models.Model):
    """A node of a framework's tree. Headings (questions, areas) are not assessable."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    urn = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    ref_id = models.CharField(max_length=20, blank=True, help_text="Number such as 2.1")
    ref_id_confirmed = models.BooleanField(
        default=True, help_text="False where the numbering is a reconstruction not yet checked."
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    also_known_as = models.JSONField(default=list, blank=True)
    assessable = models.BooleanField(default=True)
    depth = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "urn"], name="unique_qi_urn")]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.name}".strip()

    @property
    def label(self) -> str:
        if self.ref_id and not self.ref_id_confirmed:
            return f"{self.ref_id}* {self.name}"
        return str(self)


def level_for(levels: list[dict[str, Any]], value: int | None) -> dict[str, Any] | None:
    """The level of a copied scale with this value, or None."""
    if value is None:
        return None
    for level in levels:
        if level.get("value") == value:
            return level
    return None
