"""Partnerships (the tenants), their partner organisations, areas and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Area(models.Model):
    """A geography with an official code, such as South Ayrshire (S12000028)."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        COUNCIL = "council", "Council area"
        HEALTH_BOARD = "health_board", "Health board"
        OTHER = "other", "Other"

    code = models.CharField(max_length=20, unique=True, help_text="Official code, e.g. S12000028")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    valid_from = models.DateField(
        null=True, blank=True, help_text="The first day the code is in use (blank: not recorded)."
    )
    valid_to = models.DateField(
        null=True, blank=True, help_text="The last day the code is in use (blank: still in use)."
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="The area whose code replaced this one, the day after its last.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Partnership(models.Model):
    """A children's services partnership: everything but the framework library belongs to one."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(blank=True)
    is_fictional = models.BooleanField(
        default=False, help_text="A made-up partnership used for demonstrations and tests."
    )
    require_mfa = models.BooleanField(
        "Require a second factor of all members",
        default=False,
        db_default=False,
        help_text="Every member must set up a second factor before reaching any page.",
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="An archived partnership is kept, read-only."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Organisation(models.Model):
    """A partner agency: council social work, education, NHS board, police, third sector."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        HEALTH = "health", "NHS board"
        POLICE = "police", "Police"
        THIRD_SECTOR = "third_sector", "Third sector"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member asked for the updates of its actions that have no lead person.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_org_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    CONTRIBUTOR = "contributor", "Contributor"
    EDITOR = "editor", "Editor"
    LEAD = "lead", "Lead officer"
    READER = "reader", "Local reader"
    INSPECTOR = "inspector", "Inspector"
    ADMIN = "admin", "Administrator"


class Membership(models.Model):
    """A user's role in one partnership. An inspector's membership is their assignment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    starts_on = models.DateField(
        null=True, blank=True, help_text="The first day the membership counts (an assignment)."
    )
    ends_on = models.DateField(
        null=True, blank=True, help_text="The last day the membership counts (an assignment)."
    )
    deactivated_at = models.DateTimeField(
        null=True, blank=True, help_text="A deactivated membership is kept, and grants nothing."
    )
    accepts_updates = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Delegated by a lead officer: accepts or returns the plan's updates.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_role_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.partnership}"


class AreaGroup(models.Model):
    """A named set of areas compared with each other, such as a benchmarking family group."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    areas = models.ManyToManyField(Area, related_name="groups")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
