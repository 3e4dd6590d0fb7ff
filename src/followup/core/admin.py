"""Django admin that writes an audit entry for every write it makes.

Adds, changes (many-to-many included, recorded once the form's relations are saved), deletes
(with every row the deletion takes or changes along with it) and, for users, password changes.
Each is recorded in the admin view's own transaction, so a write and its entry stand or fall
together.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse

from followup.audit.log import diff, record, snapshot

_BEFORE = "_followup_audit_before"


def _partnership_of(obj: models.Model) -> Any:
    for path in (
        "partnership",
        "inspection.partnership",
        "review.inspection.partnership",
        "action.partnership",
        "source.partnership",
        "coding.source.partnership",
        "release.partnership",
    ):
        target: Any = obj
        for part in path.split("."):
            target = getattr(target, part, None)
            if target is None:
                break
        if target is not None:
            return target
    return None


def _fields(obj: models.Model) -> Any:
    """The object's own column values (no many-to-many lookups: cascades can be large)."""
    return snapshot(obj, [f.name for f in obj._meta.concrete_fields])


def _owner_field(through: type[models.Model]) -> tuple[models.Field[Any, Any], str] | None:
    """For an automatic many-to-many table: the foreign key to the model that declares the
    relation, and the relation's name on that model."""
    owner = through._meta.auto_created
    if not owner or not isinstance(owner, type):
        return None
    for field in owner._meta.many_to_many:
        if field.remote_field.through is through:
            return through._meta.get_field(field.m2m_field_name()), field.name
    return None


def record_deletion(actor: Any, obj: models.Model, verb_suffix: str = "admin") -> None:
    """Record the deletion of ``obj`` and of everything the deletion takes or changes with it:
    rows deleted by cascade, links removed, and references set to empty. Call before deleting,
    inside the deleting transaction."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    record(
        actor,
        f"{obj._meta.model_name}.delete.{verb_suffix}",
        obj,
        diff(snapshot(obj), {}),
        _partnership_of(obj),
    )
    deleted = {(type(o), o.pk) for items in collector.data.values() for o in items}
    for model, items in collector.data.items():
        owner = _owner_field(model)
        for item in items:
            if item is obj or (type(item), item.pk) == (type(obj), obj.pk):
                continue
            if owner is not None:
                field, name = owner
                holder = getattr(item, field.name)
                if (type(holder), holder.pk) in deleted:
                    continue  # the holder's own entry lists its links
                other = next(
                    getattr(item, f.name)
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.name != field.name
                )
                record(
                    actor,
                    f"{holder._meta.model_name}.update.cascade",
                    holder,
                    {name: [str(other), None]},
                    _partnership_of(holder),
                )
                continue
            record(
                actor,
                f"{model._meta.model_name}.delete.cascade",
                item,
                diff(_fields(item), {}),
                _partnership_of(item),
            )
    for (field, value), groups in collector.field_updates.items():
        every: list[Any] = [row for group in groups for row in group]  # type: ignore[attr-defined]
        rows = [row for row in every if (type(row), row.pk) not in deleted]
        for row in rows:
            record(
                actor,
                f"{row._meta.model_name}.update.cascade",
                row,
                {
                    field.name: [
                        str(getattr(row, field.name)),
                        None if value is None else str(value),
                    ]
                },
                _partnership_of(row),
            )


class AuditedAdminMixin:
    """Saves, links and deletes made in the admin are audited like any other write."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        obj.__dict__[_BEFORE] = before
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        before = obj.__dict__.pop(_BEFORE, {})
        verb = f"{obj._meta.model_name}.{'update' if change else 'create'}.admin"
        changes = diff(before, snapshot(obj))
        if changes or not change:
            record(request.user, verb, obj, changes, _partnership_of(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            record_deletion(request.user, obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in queryset:
                self.delete_model(request, obj)


class AuditedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A model admin whose every write is audited."""


class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    """Django's user admin, audited: staff and superuser flags, groups, permissions, deletion
    and password changes (recorded as set or changed, never the hash)."""

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        user = self.get_object(request, id)
        if user is None:
            return super().user_change_password(request, id, form_url)
        with transaction.atomic(using=router.db_for_write(type(user))):
            before = snapshot(user)
            response = super().user_change_password(request, id, form_url)
            user.refresh_from_db()
            changes = diff(before, snapshot(user))
            if changes:
                record(request.user, "user.password.admin", user, changes)
        return response


class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    """Django's group admin, audited: a group's permissions pass to all its members."""
