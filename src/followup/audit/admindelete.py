"""What deleting a row takes and changes with it: recorded in the audit log, shown before.

Django's collector finds the rows a deletion takes by cascade and the references it sets to
empty (``on_delete=SET_NULL``). ``record_deletion`` writes an entry for each; ``emptied``
lists the references, for the admin's confirmation page, which Django's own list of
"objects to be deleted" leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.utils.text import capfirst

from followup.audit.adminforms import partnership_of
from followup.audit.log import diff, record, snapshot


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


def _collect(objs: list[models.Model]) -> NestedObjects:
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    return collector


@dataclass(frozen=True)
class Emptied:
    """A row a deletion keeps, with one of its references set to empty (or to a default)."""

    row: models.Model
    field: models.Field[Any, Any]
    value: Any

    def __str__(self) -> str:
        row = f"{capfirst(self.row._meta.verbose_name)}: {self.row}"
        was = getattr(self.row, self.field.name)
        now = "empty" if self.value is None else f"“{self.value}”"
        return f"{row} – its {self.field.verbose_name} “{was}” becomes {now}"


def _emptied(collector: NestedObjects) -> list[Emptied]:
    deleted = {(type(o), o.pk) for items in collector.data.values() for o in items}
    found: list[Emptied] = []
    for (field, value), groups in collector.field_updates.items():
        # Django 5.2 keeps a list of querysets here; django-stubs says a list of rows.
        every: list[Any] = [row for group in cast(list[Any], groups) for row in group]
        found += [Emptied(row, field, value) for row in every if (type(row), row.pk) not in deleted]
    return found


def emptied(objs: Iterable[models.Model]) -> list[Emptied]:
    """The rows that deleting ``objs`` keeps but changes: references set to empty."""
    items = list(objs)
    return _emptied(_collect(items)) if items else []


def record_deletion(actor: Any, obj: models.Model, verb_suffix: str = "admin") -> None:
    """Record the deletion of ``obj`` and of everything the deletion takes or changes with it:
    rows deleted by cascade, links removed, and references set to empty. Call before deleting,
    inside the deleting transaction."""
    collector = _collect([obj])
    record(
        actor,
        f"{obj._meta.model_name}.delete.{verb_suffix}",
        obj,
        diff(snapshot(obj), {}),
        partnership_of(obj),
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
                    partnership_of(holder),
                )
                continue
            record(
                actor,
                f"{model._meta.model_name}.delete.cascade",
                item,
                diff(_fields(item), {}),
                partnership_of(item),
            )
    for change in _emptied(collector):
        row, field, value = change.row, change.field, change.value
        record(
            actor,
            f"{row._meta.model_name}.update.cascade",
            row,
            {field.name: [str(getattr(row, field.name)), None if value is None else str(value)]},
            partnership_of(row),
        )
