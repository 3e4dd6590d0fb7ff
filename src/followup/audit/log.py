"""Writing and reading the audit log. Action functions call ``record``; pages call ``history``."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import models

from followup.audit.models import AuditEntry
from followup.core.types import AnyUser

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """The object's editable field values (many-to-many as sorted names)."""
    result: Snapshot = {}
    names = set(fields) if fields is not None else None
    for field in obj._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created:
            continue
        if names is not None and field.name not in names:
            continue
        if field.many_to_many:
            if obj.pk is None:
                result[field.name] = []
            else:
                result[field.name] = sorted(str(item) for item in getattr(obj, field.name).all())
        elif field.concrete:
            result[field.name] = _plain(getattr(obj, field.name))
    return result


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    keys = sorted(set(before) | set(after))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def record(
    actor: AnyUser | None,
    verb: str,
    obj: models.Model,
    changes: dict[str, list[Any]],
    partnership: models.Model | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the action's transaction."""
    user = actor if isinstance(actor, User) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "system",
        verb=verb,
        partnership_id=partnership.pk if partnership is not None else None,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
    )


def record_many(
    actor: AnyUser | None,
    verb: str,
    entries: Iterable[tuple[models.Model, dict[str, list[Any]]]],
    partnership: models.Model | None = None,
) -> None:
    """Write one audit entry for each (object, changes), in one statement. Call inside the
    action's transaction, after the objects are saved."""
    user = actor if isinstance(actor, User) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                actor_name=user.get_username() if user is not None else "system",
                verb=verb,
                partnership_id=partnership.pk if partnership is not None else None,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=changes,
            )
            for obj, changes in entries
        ]
    )


def record_create(actor: Any, verb: str, obj: models.Model, partnership: Any) -> AuditEntry:
    return record(actor, verb, obj, diff({}, snapshot(obj)), partnership)


def history(objects: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """Entries about any of the given objects, newest first. Access is checked by the caller."""
    query = models.Q(pk__in=[])
    for obj in objects:
        query |= models.Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return AuditEntry.objects.filter(query).select_related("actor")
