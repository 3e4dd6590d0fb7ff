"""Shared steps of action functions: save with an audit entry, in the caller's transaction.

An edit form carries the version of the object it was read at: a signed token (``version``)
holding the values of the fields the form edits and the time they were read. ``update`` re-reads
the row under a lock (``select_for_update``, where the database has row locks), and refuses the
save with ``Conflict`` when any of those fields has changed since: the form's page then shows
what changed, by whom, and keeps the user's own changes to re-apply. Otherwise it writes only
the fields whose values differ from the row's, and the audit entry lists exactly those. A save
whose values the row already holds (the second of two submits of one form) is not refused: it
writes nothing.

A missing, tampered or foreign token is refused in the same way (``Conflict.reason == UNKNOWN``):
nothing is saved, and the page shows where the submitted values differ from the saved ones.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from followup.audit.log import diff, record, snapshot
from followup.audit.models import AuditEntry

M = TypeVar("M", bound=models.Model)

VERSION_FIELD = "version"
_SALT = "followup.audit.writes.version"

State = dict[str, Any]


def create(
    actor: Any,
    verb: str,
    obj: M,
    partnership: Any,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
) -> M:
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    record(actor, verb, obj, diff({}, snapshot(obj)), partnership)
    return obj


def update(
    actor: Any,
    verb: str,
    obj: M,
    partnership: Any,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    *,
    version: str | None = None,
) -> M:
    """Write the fields (and many-to-many sets) whose values differ from the row's, read under a
    lock; ``version`` (an edit form's token) must match the row, or ``Conflict`` is raised and
    nothing is written. One audit entry lists exactly the fields changed, old and new. ``obj``
    is refreshed when anything changed, and returned."""
    links = {name: list(values) for name, values in (m2m or {}).items()}
    with transaction.atomic():
        try:
            current = lock(obj)
        except ObjectDoesNotExist:
            raise ValidationError(
                f"This {obj._meta.verbose_name} was deleted after the form was opened: "
                "nothing was saved."
            ) from None
        submitted = {**state_of_values(current, fields), **state_of_values(current, links)}
        if version is not None:
            check(version, current, submitted)
        now = state(current, submitted)
        changed = [name for name in fields if submitted[name] != now[name]]
        relinked = [name for name in links if submitted[name] != now[name]]
        if not changed and not relinked:
            return obj
        before = snapshot(current, [*changed, *relinked])
        for name in changed:
            setattr(current, name, fields[name])
        current.full_clean()
        if changed:
            current.save(update_fields=changed)
        for name in relinked:
            getattr(current, name).set(links[name])
        record(
            actor,
            verb,
            current,
            diff(before, snapshot(current, [*changed, *relinked])),
            partnership,
        )
    obj.refresh_from_db()
    return obj


def delete(actor: Any, verb: str, obj: models.Model, partnership: Any) -> None:
    record(actor, verb, obj, diff(snapshot(obj), {}), partnership)
    obj.delete()


def lock(obj: M) -> M:
    """The object's row read again, locked until the transaction ends where the database has
    row locks (PostgreSQL); SQLite serialises writers with its database lock instead."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


# Versions --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _normal(values: State) -> State:
    """As the values come back from a token: JSON types only."""
    return dict(json.loads(json.dumps(values, default=str)))


def state(obj: models.Model, names: Iterable[str]) -> State:
    """The comparable values of the named fields: related objects as ids, many-to-many as sorted
    ids (from the prefetch cache when there is one, so a form and its token agree)."""
    values: State = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = (
                sorted(item.pk for item in getattr(obj, name).all()) if obj.pk is not None else []
            )
        elif isinstance(model_field, models.Field) and model_field.is_relation:
            values[name] = getattr(obj, model_field.attname)
        else:
            values[name] = _plain(getattr(obj, name))
    return _normal(values)


def state_of_values(obj: models.Model | type[models.Model], values: Mapping[str, Any]) -> State:
    """The comparable form of values about to be written to the fields of ``obj`` (an object
    or its class)."""
    result: State = {}
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            result[name] = sorted(_plain(item) for item in value)
        else:
            result[name] = _plain(value)
    return _normal(result)


def version(obj: models.Model, names: Sequence[str]) -> str:
    """The token an edit form carries: which object, the values of the fields it edits, and
    when they were read. Signed, so it cannot be altered; it holds only what the form shows."""
    return signing.dumps(
        {
            "o": obj._meta.label_lower,
            "k": obj.pk,
            "s": state(obj, names),
            "t": timezone.now().isoformat(),
        },
        salt=_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class Version:
    label: str
    pk: Any
    values: State
    at: datetime.datetime


def read_version(token: str) -> Version | None:
    """The version a token holds, or None when it is missing, altered or not one of ours."""
    try:
        data = signing.loads(token, salt=_SALT)
        return Version(
            label=str(data["o"]),
            pk=data["k"],
            values=dict(data["s"]),
            at=datetime.datetime.fromisoformat(data["t"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Change:
    """One field as the form had it, as it is now, and who changed it."""

    name: str
    label: str
    old: str
    now: str
    by: str = ""
    at: datetime.datetime | None = None


@dataclass(eq=False)
class Conflict(Exception):
    """A save refused, with nothing written: the object changed since the form was read
    (``STALE``), or the form's version is missing or not the object's (``UNKNOWN``).

    ``changes`` are the fields changed since, with who changed them; ``yours`` the fields the
    user changed (for an unknown version: where the submitted values differ from the saved)."""

    STALE = "stale"
    UNKNOWN = "unknown"

    reason: str
    changes: list[Change] = field(default_factory=list)
    yours: list[Change] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.reason}: " + ", ".join(c.name for c in self.changes or self.yours)


def check(token: str, current: models.Model | None, submitted: State, model: Any = None) -> None:
    """Raise ``Conflict`` unless the token is this object's and its values are the current ones.

    ``current`` is the row as read under lock, or None when the form was opened to create it
    (``model`` then names its class); ``submitted`` the comparable values about to be written."""
    model = type(current) if current is not None else model
    read = read_version(token)
    label = model._meta.label_lower
    pk = current.pk if current is not None else None
    now = state(current, submitted) if current is not None else {}
    if (
        read is None
        or read.label != label
        or read.pk != pk
        or not set(submitted) <= set(read.values)
    ):
        differ = [
            name for name in submitted if submitted[name] != now.get(name, _absent(model, name))
        ]
        yours = [
            _change(model, name, now.get(name, _absent(model, name)), submitted[name])
            for name in differ
        ]
        raise Conflict(Conflict.UNKNOWN, yours=yours)
    if current is not None:
        _refuse_if_changed(model, current, read, submitted)


def check_new(token: str, model: Any, existing: models.Model | None, submitted: State) -> None:
    """For a form that creates its object or edits it once made (one judgement per
    recommendation): refuse when the object was made with other values, or changed, since the
    form was read."""
    read = read_version(token)
    if (
        existing is not None
        and read is not None
        and read.pk is None
        and read.label == model._meta.label_lower
        and set(submitted) <= set(read.values)
    ):
        _refuse_if_changed(model, existing, read, submitted)  # made since the form was read
        return
    check(token, existing, submitted, model=model)


def _refuse_if_changed(model: Any, current: models.Model, read: Version, submitted: State) -> None:
    now = state(current, read.values)
    since = [name for name in read.values if read.values[name] != now[name]]
    if not since:
        return
    if state(current, submitted) == submitted:
        # The row already holds exactly what was submitted (the second of two submits of one
        # form, or the same change made by someone else): nothing would be overwritten.
        return
    authors = _authors(current, read.at)
    changes = [
        _change(model, name, read.values[name], now[name], *authors.get(name, ("", None)))
        for name in since
    ]
    yours = [
        _change(model, name, read.values[name], submitted[name])
        for name in submitted
        if submitted[name] != read.values.get(name)
    ]
    raise Conflict(Conflict.STALE, changes=changes, yours=yours)


def _absent(model: Any, name: str) -> Any:
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        return []
    if model_field.has_default():
        return _normal({name: _plain(model_field.get_default())})[name]
    return None


def _authors(obj: models.Model, since: datetime.datetime) -> dict[str, tuple[str, Any]]:
    """Who last changed each field of the object since a time, from the audit log."""
    found: dict[str, tuple[str, Any]] = {}
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), at__gte=since
    ).order_by("at", "id")
    for entry in entries:
        for name in entry.changes or {}:
            found[name] = (entry.actor_name, entry.at)
    return found


def _change(model: Any, name: str, old: Any, now: Any, by: str = "", at: Any = None) -> Change:
    model_field = model._meta.get_field(name)
    return Change(
        name=name,
        label=capfirst(str(model_field.verbose_name)),
        old=describe(model, name, old),
        now=describe(model, name, now),
        by=by,
        at=at,
    )


def describe(model: Any, name: str, value: Any) -> str:
    """A comparable value as a reader would say it."""
    model_field = model._meta.get_field(name)
    if value in (None, "", [], {}):
        return "(empty)"
    if model_field.is_relation:
        related = model_field.related_model._default_manager
        ids = value if model_field.many_to_many else [value]
        names = {item.pk: str(item) for item in related.filter(pk__in=ids)}
        return "; ".join(names.get(i, f"(deleted, id {i})") for i in ids)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
