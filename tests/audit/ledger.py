"""What a write did to the database, and whether the audit log accounts for every row of it.

``Ledger`` photographs every table before a step and compares after it: each row added, changed
or removed must be named by an audit entry written during the step (``object_type`` and
``object_id``), or be one of the rows an entry speaks for as a whole (a release's values, a
framework's quality indicators, a source's codings, the links of a many-to-many field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import connection, models

from followup.audit.models import AuditEntry

# Tables that are not the audit log's business, and why.
NOT_AUDITED = {
    "audit.auditentry": "the audit log itself",
    "admin.logentry": "Django admin's own change messages, written beside our entries",
    "sessions.session": "sign-in sessions",
    "usersessions.usersession": "sign-in sessions as allauth lists them (sign-ins are audited)",
}

# Rows written in bulk, accounted for by one entry about the object they belong to.
BELONGS_TO = {
    "indicators.datavalue": ("indicators.release", "release_id"),
    "frameworks.qualityindicator": ("frameworks.framework", "framework_id"),
    "evidence.coding": ("evidence.source", "source_id"),
    "records.templatesection": ("records.readingtemplate", "template_id"),
    "records.templatequestion": ("records.readingtemplate", "template_id"),
}
# Calendar periods are named by their id (2023Q3) and made by the import that first needs them.
MADE_BY_VERB = {"indicators.period": "data.import"}


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in NOT_AUDITED
    ]


def _select(model: type[models.Model]) -> str:
    """The SQL that reads every row of the model's table: its primary key, then every column."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.pk.column, *(f.column for f in meta.concrete_fields)]
    return f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)}"


def photograph() -> dict[str, dict[str, tuple[Any, ...]]]:
    """Every row of every audited table, by model label and primary key (as an audit entry
    names it), with its columns as the database gives them: read through the ORM, building and
    converting a query for each of some hundred tables, this took a third of the time of the
    tests of the audit log."""
    result: dict[str, dict[str, tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for model in _models():
            pk: Any = model._meta.pk
            cursor.execute(_select(model))
            result[model._meta.label_lower] = {
                str(pk.to_python(row[0])): row[1:] for row in cursor.fetchall()
            }
    return result


@dataclass
class Write:
    label: str
    pk: str
    kind: str  # added, changed, removed
    row: tuple[Any, ...]

    def __str__(self) -> str:
        return f"{self.kind} {self.label} #{self.pk}"


@dataclass
class Ledger:
    before: dict[str, dict[str, tuple[Any, ...]]] = field(default_factory=photograph)
    last_entry: int = field(
        default_factory=lambda: (
            AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
    )

    def writes(self) -> list[Write]:
        after = photograph()
        found: list[Write] = []
        for label, rows in after.items():
            old = self.before.get(label, {})
            for pk, row in rows.items():
                if pk not in old:
                    found.append(Write(label, pk, "added", row))
                elif old[pk] != row:
                    found.append(Write(label, pk, "changed", row))
            for pk, row in old.items():
                if pk not in rows:
                    found.append(Write(label, pk, "removed", row))
        return found

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(id__gt=self.last_entry).order_by("id"))

    def unrecorded(self) -> tuple[list[Write], list[Write], list[AuditEntry]]:
        """(every write, the writes no entry accounts for, the new entries)."""
        writes = self.writes()
        entries = self.entries()
        named = {(e.object_type, e.object_id) for e in entries}
        verbs = {e.verb for e in entries}
        missing = []
        for write in writes:
            if (write.label, write.pk) in named:
                continue
            if write.label in MADE_BY_VERB and MADE_BY_VERB[write.label] in verbs:
                continue
            owner = _owner(write)
            if owner is not None and owner in named:
                continue
            missing.append(write)
        return writes, missing, entries


def _owner(write: Write) -> tuple[str, str] | None:
    """The object an entry about which accounts for this row."""
    model = apps.get_model(write.label)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    raw = dict(zip(fields, write.row, strict=True))

    def key(attname: str) -> Any:  # a key column's value as Django reads it
        return fields[attname].to_python(raw[attname])

    if write.label in BELONGS_TO:
        label, attname = BELONGS_TO[write.label]
        return label, str(key(attname))
    holder = model._meta.auto_created
    if holder and isinstance(holder, type):
        for m2m in holder._meta.many_to_many:
            if m2m.remote_field.through is model:
                pk = key(m2m.m2m_column_name())
                if holder._meta.label_lower in BELONGS_TO:  # a link of a row that belongs to one
                    label, attname = BELONGS_TO[holder._meta.label_lower]
                    found = holder._default_manager.filter(pk=pk).values_list(attname, flat=True)
                    return label, str(found.first())
                return holder._meta.label_lower, str(pk)
    return None


def assert_recorded(ledger: Ledger, actor_name: str, step: str) -> list[AuditEntry]:
    """The step wrote something, every row it wrote is accounted for, and every entry it made
    names the actor. Returns the new entries."""
    writes, missing, entries = ledger.unrecorded()
    assert writes, f"{step}: nothing was written, so nothing was tested"
    assert not missing, f"{step}: written without an audit entry: " + ", ".join(map(str, missing))
    assert {e.actor_name for e in entries} == {actor_name}, (
        f"{step}: entries by {sorted({e.actor_name for e in entries})}, expected {actor_name}"
    )
    return entries


class FormReader(HTMLParser):
    """The fields of one form as a browser would submit it (checked boxes, selected options)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._add(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            current = self.data[self._textarea][-1]
            self.data[self._textarea][-1] = current + (
                data.removeprefix("\n") if not current else data
            )


def read_form(html: str, form_id: str) -> dict[str, list[str]]:
    reader = FormReader(form_id)
    reader.feed(html)
    assert reader.data, f"no form with id {form_id!r} on the page"
    return reader.data
