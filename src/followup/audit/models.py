"""The audit log: one row per create, update or delete, never changed afterwards.

Who acted and in which partnership are kept as plain values (ids and names), not foreign keys,
so deleting a user or a partnership leaves every row exactly as it was written.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Rows are only ever added: changing or removing them in bulk is refused too."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Audit entries are never changed.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise ValueError("Audit entries are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are never deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The acting user's id; empty for the command line.",
    )
    actor_name = models.CharField(
        max_length=150,
        help_text="The actor's username when it acted, or cli:OS-USER for the command line.",
    )
    verb = models.CharField(max_length=60, help_text="e.g. action.create, evaluation.update")
    partnership_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="The partnership's id when it was written."
    )
    partnership_name = models.CharField(
        max_length=200, blank=True, default="", help_text="The partnership's name then."
    )
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # A partnership's latest entry names the state of its records (evidence/kept.py).
            models.Index(fields=["partnership_id", "id"], name="audit_partnership_latest"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are never deleted.")

    def lines(self) -> list[Any]:
        """The changes as a reader would say them (``audit.display``)."""
        from followup.audit.display import lines

        return lines(self.object_type, self.changes)
