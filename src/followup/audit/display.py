"""An audit entry's changes as a reader would say them, for the history on each page.

Fields are listed in the model's order and named as their forms name them (the model field's verbose name: "Lead person", not
``lead_person``); a choice shows its label ("On hold", not ``on_hold``); an empty value shows
"(empty)"; and a change to a list (many-to-many links, or a list of wellbeing indicators) shows
what was added and what was removed rather than two long lists side by side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

EMPTY = "(empty)"


@dataclass(frozen=True)
class Line:
    """One field's change: ``old`` and ``new``, or for a list what was ``added`` and
    ``removed``."""

    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    is_list: bool = False


def lines(object_type: str, changes: Any) -> list[Line]:
    """The lines of an entry about an object of ``object_type`` (``app_label.model``)."""
    if not isinstance(changes, dict):
        return [Line(label="Changes", old="", new=str(changes))]
    model = _model(object_type)
    result = []
    for name, values in sorted(changes.items(), key=lambda item: _position(model, item[0])):
        model_field = _field(model, name)
        label = (
            capfirst(str(model_field.verbose_name))
            if model_field is not None
            else capfirst(str(name).replace("_", " "))
        )
        if not (isinstance(values, list | tuple) and len(values) == 2):
            result.append(Line(label=label, new=_say(model_field, values)))
            continue
        old, new = values
        if _is_list(model_field, old, new):
            before, after = _items(model_field, old), _items(model_field, new)
            result.append(
                Line(
                    label=label,
                    added=[item for item in after if item not in before],
                    removed=[item for item in before if item not in after],
                    is_list=True,
                )
            )
        else:
            result.append(Line(label=label, old=_say(model_field, old), new=_say(model_field, new)))
    return result


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _position(model: type[models.Model] | None, name: str) -> tuple[int, str]:
    """Fields in the model's order (as its forms list them; PostgreSQL keeps a JSON object's
    keys in an order of its own), then the names no field has, alphabetically."""
    names = [f.name for f in model._meta.get_fields()] if model is not None else []
    return (names.index(name) if name in names else len(names), name)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_list(model_field: Any, old: Any, new: Any) -> bool:
    if model_field is not None and model_field.many_to_many:
        return True
    values = [v for v in (old, new) if v is not None]
    return bool(values) and all(isinstance(v, list) for v in values)


def _items(model_field: Any, value: Any) -> list[str]:
    """A list's items as text (a link removed by a deletion is recorded as one name)."""
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    return [_say(model_field, item) for item in values]


def _say(model_field: Any, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if (
        model_field is not None
        and getattr(model_field, "choices", None)
        and not isinstance(value, list | dict)
    ):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment.day} {moment:%B %Y, %H:%M}"
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_say(None, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_say(None, item) for item in value)
    return str(value)
