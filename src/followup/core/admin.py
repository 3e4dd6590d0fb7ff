"""Django admin that writes an audit entry for every save and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from followup.audit.log import diff, record, snapshot


def _partnership_of(obj: models.Model) -> Any:
    for path in (
        "partnership",
        "inspection.partnership",
        "review.inspection.partnership",
        "action.partnership",
    ):
        target: Any = obj
        for part in path.split("."):
            target = getattr(target, part, None)
            if target is None:
                break
        if target is not None:
            return target
    return None


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes made in the admin are audited like any other write."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
            super().save_model(request, obj, form, change)
            verb = f"{obj._meta.model_name}.{'update' if change else 'create'}.admin"
            changes = diff(before, snapshot(obj))
            if changes or not change:
                record(request.user, verb, obj, changes, _partnership_of(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(
                request.user,
                f"{obj._meta.model_name}.delete.admin",
                obj,
                diff(snapshot(obj), {}),
                _partnership_of(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
