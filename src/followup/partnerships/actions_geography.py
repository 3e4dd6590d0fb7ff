"""Bringing the official areas up to date with the register that ships with Followup.

``followup setup`` (every new installation, every upgrade) and the demo loader call
``bring_areas_up_to_date``; nothing else writes official areas in bulk. It adds the codes the
database lacks and updates names, kinds, dates and successors to the register's, recording each
change in the audit log; it never deletes an area (one the register no longer names is kept and
reported), so partnerships, figures and indicators that use an old code keep it. Run twice, the
second run changes and records nothing.

Like the framework library's loader, it takes no input from a page: the register is part of the
installed package, and the callers are the command line and the demo loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from followup.audit.log import diff, record, snapshot
from followup.lib.types import Actor
from followup.partnerships.geography import REGISTER, RegisterArea, read_register
from followup.partnerships.models import Area

FIELDS = ("name", "kind", "valid_from", "valid_to", "successor")


@dataclass
class GeographyChanges:
    """What bringing the areas up to date did, as lines a person reads."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_register: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def _describe(changes: dict[str, list[object]]) -> str:
    return "; ".join(
        f"{name} {old or '(none)'} → {new or '(none)'}" for name, (old, new) in changes.items()
    )


def bring_areas_up_to_date(actor: Actor, path: Path = REGISTER) -> GeographyChanges:
    """Make the official areas match the register file, as the actor; return what changed."""
    entries: list[RegisterArea] = read_register(path)
    result = GeographyChanges()
    with transaction.atomic():
        areas = {area.code: area for area in Area.objects.select_for_update().order_by("code")}
        before = {code: snapshot(area, FIELDS) for code, area in areas.items()}
        # First every area's own fields, so that any area may then be another's successor.
        for entry in entries:
            area = areas.get(entry.code) or Area(code=entry.code)
            values = {
                "name": entry.name,
                "kind": entry.kind,
                "valid_from": entry.valid_from,
                "valid_to": entry.valid_to,
            }
            changed = [name for name, value in values.items() if getattr(area, name) != value]
            for name in changed:
                setattr(area, name, values[name])
            if area.pk is None or changed:
                area.full_clean(validate_unique=False, exclude=["successor"])
                area.save(update_fields=changed if area.pk else None)
            areas[entry.code] = area
        for entry in entries:
            area = areas[entry.code]
            successor = areas[entry.successor].pk if entry.successor else None
            if area.successor_id != successor:
                area.successor_id = successor
                area.save(update_fields=["successor"])
            if entry.code not in before:
                record(actor, "area.create", area, diff({}, snapshot(area)))
                result.added.append(f"{area.code} {area.name} ({area.get_kind_display()})")
                continue
            changes = diff(before[entry.code], snapshot(area, FIELDS))
            if changes:
                record(actor, "area.update", area, changes)
                result.updated.append(f"{area.code} {area.name}: {_describe(changes)}")
            else:
                result.unchanged += 1
        listed = {entry.code for entry in entries}
        result.not_in_register = [
            f"{code} {area.name}" for code, area in sorted(areas.items()) if code not in listed
        ]
    return result
