"""Removing the previous demo before the demo is loaded again: only what the demo made.

``followup demo`` replaces the demo partnerships (South Ayrshire and Glenmorran) and the demo
users, with everything in them: whatever anyone added there since (actions, updates, private
releases and data elements, sources, published reports...) goes too, and the command's audit
entry counts what went, model by model.

The demo's service administrator (``admin``, a superuser) goes with its second factors and
sessions, if the demo loader made it. Nothing else is touched. A partnership with a demo slug that the demo did not make (its first
audit entry is not the demo loader's), a demo username held by a staff user or by someone who
is not a member of a demo partnership, or a row of another partnership that the removal would
delete or change: each refuses the reload, with nothing changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, models

from followup.audit.models import AuditEntry
from followup.partnerships.models import Partnership
from followup.reports.models import Publication

DEMO_LOADER = "demo-loader"


class DemoRefused(Exception):
    """The previous demo cannot be removed without touching something that is not the demo's."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass
class Removed:
    """What removing the previous demo deleted and changed, counted by model."""

    partnerships: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    deleted: Counter[str] = field(default_factory=Counter)
    cleared: Counter[str] = field(default_factory=Counter)

    def changes(self) -> dict[str, list[Any]]:
        """As an audit entry's changes: what the reload removed, old value to nothing."""
        result: dict[str, list[Any]] = {}
        if self.partnerships:
            result["replaced_partnerships"] = [self.partnerships, None]
        if self.users:
            result["replaced_users"] = [self.users, None]
        if self.deleted:
            result["deleted"] = [dict(sorted(self.deleted.items())), None]
        if self.cleared:
            result["references_cleared"] = [dict(sorted(self.cleared.items())), None]
        return result


def made_by_the_demo(partnership: Partnership) -> bool:
    """Whether the demo loader made this partnership: the first audit entry in it is the
    loader's (the loader records each partnership it creates first)."""
    first = (
        AuditEntry.objects.filter(partnership_id=partnership.pk)
        .order_by("id")
        .values_list("actor_name", flat=True)
        .first()
    )
    return first == DEMO_LOADER


def made_by_the_demo_loader(user: User) -> bool:
    """Whether the demo loader made this user: its first audit entry is the loader's creation
    of it (the loader records the service administrator it makes; see demo.loader)."""
    first = (
        AuditEntry.objects.filter(object_type="auth.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("actor_name", "verb")
        .first()
    )
    return first == (DEMO_LOADER, "user.create")


def remove_previous_demo(slugs: Iterable[str], usernames: Iterable[str]) -> Removed:
    """Delete the demo partnerships and the demo's users, with everything in them; refuse
    (``DemoRefused``, nothing deleted once the caller's transaction rolls back) if that would
    touch anything else. The demo loader's user stays: what it wrote outside the demo
    partnerships (official releases) keeps its author. Call inside a transaction."""
    partnerships = list(Partnership.objects.filter(slug__in=list(slugs)).order_by("slug"))
    users = list(User.objects.filter(username__in=list(usernames)).order_by("username"))
    problems = [
        f"a partnership with the demo's slug {p.slug!r} ({p.name}) was not made by the demo"
        for p in partnerships
        if not made_by_the_demo(p)
    ]
    demo_ids = {p.pk for p in partnerships}
    for user in users:
        if made_by_the_demo_loader(user):
            continue  # the demo's service administrator: staff, and a member of nothing
        if user.is_staff or user.is_superuser:
            problems.append(f"the user {user.username!r} has the demo's username but is staff")
        elif not user.memberships.filter(partnership_id__in=demo_ids):
            problems.append(
                f"the user {user.username!r} has the demo's username but is not a member of a "
                "demo partnership"
            )
    loader = User.objects.filter(username=DEMO_LOADER).first()
    if loader is not None:
        if loader.is_staff or loader.is_superuser or loader.has_usable_password():
            problems.append(f"the user {DEMO_LOADER!r} is not the demo's loader")
        elif loader.memberships.exclude(partnership_id__in=demo_ids).exists():
            problems.append(f"the user {DEMO_LOADER!r} is a member of another partnership")
    if problems:
        raise DemoRefused(problems)
    removed = Removed(
        partnerships=[p.slug for p in partnerships], users=[u.username for u in users]
    )
    # Reports published from the demo are demo data too; they go first (they protect the rest),
    # one at a time and the latest version first: a correction protects the version it replaces.
    published = Publication.objects.filter(partnership__in=partnerships).order_by("-version", "-pk")
    steps: list[list[models.Model]] = [
        *([cast(models.Model, publication)] for publication in published),
        list(partnerships),
        list(users),
    ]
    for objects in steps:
        if objects:
            _remove(objects, demo_ids, removed)
    return removed


def _remove(objects: list[models.Model], demo_ids: set[int], removed: Removed) -> None:
    collector = NestedObjects(using=DEFAULT_DB_ALIAS)
    collector.collect(objects)
    owners = _Owners()
    problems: list[str] = []
    deleted = {(type(item), item.pk) for items in collector.data.values() for item in items}
    for model, items in collector.data.items():
        for item in items:
            foreign = owners.of(item) - demo_ids
            if foreign:
                problems.append(
                    f"it would delete the {model._meta.verbose_name} “{item}” of {_names(foreign)}"
                )
    for (model_field, _value), groups in collector.field_updates.items():
        # Django 5.2 keeps a list of querysets here; django-stubs says a list of rows.
        for row in (row for group in cast(list[Any], groups) for row in group):
            if (type(row), row.pk) in deleted:
                continue  # goes anyway
            foreign = owners.of(row) - demo_ids
            if foreign:
                problems.append(
                    f"it would change the {row._meta.verbose_name} “{row}” of "
                    f"{_names(foreign)} (its {model_field.verbose_name} would be emptied)"
                )
            removed.cleared[f"{row._meta.label_lower}.{model_field.name}"] += 1
    if problems:
        raise DemoRefused(problems[:10])
    model = type(objects[0])
    _, counts = model._default_manager.filter(pk__in=[o.pk for o in objects]).delete()
    for label, count in counts.items():
        if count:
            removed.deleted[label.lower()] += count


def _names(ids: set[int]) -> str:
    names = Partnership.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    return ", ".join(names)


class _Owners:
    """The partnerships a row belongs to, found through its foreign keys (memoised)."""

    DEPTH = 5

    def __init__(self) -> None:
        self.seen: dict[tuple[str, Any], set[int]] = {}

    def of(self, obj: models.Model, depth: int = DEPTH) -> set[int]:
        if isinstance(obj, Partnership):
            return {obj.pk}
        if isinstance(obj, User) or depth == 0:
            return set()
        key = (obj._meta.label, obj.pk)
        if key in self.seen:
            return self.seen[key]
        found: set[int] = set()
        for model_field in obj._meta.concrete_fields:
            if not model_field.many_to_one:
                continue
            if model_field.related_model is Partnership:
                value = getattr(obj, model_field.attname)
                if value is not None:
                    found.add(value)
            elif model_field.related_model is not User:
                target = getattr(obj, model_field.name, None)
                if target is not None:
                    found |= self.of(target, depth - 1)
        self.seen[key] = found
        return found
