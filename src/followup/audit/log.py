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
from followup.lib.types import Actor, CommandLine

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


SECRET_FIELDS = frozenset({"password"})
"""Fields whose values never go into the log: only that they were set or changed."""


def _secret(value: Any) -> str | None:
    if not value:
        return None
    return "(unusable)" if str(value).startswith("!") else "(set)"


def _scrub(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    scrubbed = dict(changes)
    for name in SECRET_FIELDS & set(changes):
        old, new = changes[name]
        new_mark = _secret(new)
        if old and new and new_mark == "(set)":
            new_mark = "(changed)"
        scrubbed[name] = [_secret(old), new_mark]
    return scrubbed


def _who(actor: Actor | None) -> tuple[int | None, str]:
    """The actor's id and name as plain values. Every write has a real actor: a signed-in user
    or the command line; anything else is a programming error."""
    if isinstance(actor, CommandLine):
        return None, actor.name
    if isinstance(actor, User) and actor.pk is not None:
        return actor.pk, actor.get_username()
    raise ValueError(f"An audit entry needs a signed-in user or the command line, not {actor!r}.")


def _entry(
    actor: Actor | None,
    verb: str,
    obj: models.Model,
    changes: dict[str, list[Any]],
    partnership: models.Model | None,
) -> AuditEntry:
    actor_id, actor_name = _who(actor)
    return AuditEntry(
        actor_id=actor_id,
        actor_name=actor_name[:150],
        verb=verb,
        partnership_id=partnership.pk if partnership is not None else None,
        partnership_name=str(partnership)[:200] if partnership is not None else "",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=_scrub(changes),
    )


def record(
    actor: Actor | None,
    verb: str,
    obj: models.Model,
    changes: dict[str, list[Any]],
    partnership: models.Model | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the action's transaction."""
    entry = _entry(actor, verb, obj, changes, partnership)
    entry.save()
    return entry


def record_many(
    actor: Actor | None,
    verb: str,
    entries: Iterable[tuple[models.Model, dict[str, list[Any]]]],
    partnership: models.Model | None = None,
) -> None:
    """Write one audit entry for each (object, changes), in one statement. Call inside the
    action's transaction, after the objects are saved."""
    AuditEntry.objects.bulk_create(
        [_entry(actor, verb, obj, changes, partnership) for obj, changes in entries]
    )


def record_command(
    actor: CommandLine,
    command: str,
    arguments: Iterable[str] = (),
    changes: dict[str, list[Any]] | None = None,
    verb: str = "",
) -> AuditEntry:
    """Record a command that writes without naming its rows (``followup migrate``, ``followup
    manage ...``): the log cannot list what it changed row by row, but says who ran what, when.
    ``verb`` defaults to ``command.COMMAND``."""
    actor_id, actor_name = _who(actor)
    line = " ".join(["followup", command, *arguments])
    entry = AuditEntry(
        actor_id=actor_id,
        actor_name=actor_name[:150],
        verb=(verb or f"command.{command}")[:60],
        object_type="cli.command",
        object_id=command[:64],
        object_repr=line[:300],
        changes=changes if changes is not None else {"command": [None, line]},
    )
    entry.save()
    return entry


def record_create(actor: Actor, verb: str, obj: models.Model, partnership: Any) -> AuditEntry:
    return record(actor, verb, obj, diff({}, snapshot(obj)), partnership)


def history(objects: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """Entries about any of the given objects, newest first. Access is checked by the caller."""
    query = models.Q(pk__in=[])
    for obj in objects:
        query |= models.Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return AuditEntry.objects.filter(query)


def last_deletion(
    model: type[models.Model], pk: Any, partnership: models.Model
) -> AuditEntry | None:
    """The entry that recorded the deletion (or merge) of the partnership's object of this
    model and id, or None. Access to the partnership is checked by the caller."""
    return (
        AuditEntry.objects.filter(
            object_type=model._meta.label_lower,
            object_id=str(pk),
            partnership_id=partnership.pk,
            verb__endswith=".delete",
        )
        .order_by("-at", "-id")
        .first()
    )


NOT_SIGNED_IN = "(not signed in)"
"""The actor's name on an entry about something done by someone not signed in."""


def record_visitor(
    verb: str, obj: models.Model | None, changes: dict[str, list[Any]], object_type: str = ""
) -> AuditEntry:
    """Record what someone who is not signed in did or tried (a failed sign-in, a password reset
    asked for): there is no actor to name. ``obj`` is the account concerned, or None when there
    is none (then ``object_type`` says what kind of thing was asked for)."""
    entry = AuditEntry(
        actor_id=None,
        actor_name=NOT_SIGNED_IN,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "no such account",
        changes=_scrub(changes),
    )
    entry.save()
    return entry
