"""Shared steps of action functions: save with an audit entry, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

from followup.audit.log import diff, record, snapshot

M = TypeVar("M", bound=models.Model)


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
) -> M:
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    changes = diff(before, snapshot(obj))
    if changes:
        record(actor, verb, obj, changes, partnership)
    return obj


def delete(actor: Any, verb: str, obj: models.Model, partnership: Any) -> None:
    record(actor, verb, obj, diff(snapshot(obj), {}), partnership)
    obj.delete()
