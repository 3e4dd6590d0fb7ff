"""What every audited admin form adds to Django's: versions, unchanged fields kept, tenancy.

- **Versions.** A change form carries the version of the fields it shows, read when it was
  opened (``audit.writes.version``, the token the web edit pages carry). Saving re-reads the row
  under a lock; if any of those fields changed since, nothing is saved and the form says what
  changed, by whom and when, shows the current values, and keeps the administrator's own
  changes to save again.
- **Unchanged fields are kept.** A field the administrator did not change keeps its stored
  value (a date and time to the microsecond, text with its line breaks), and only the changed
  fields are written. Line breaks are ``\\n`` whatever the browser sent, as in the web forms.
- **Tenancy.** A foreign key or many-to-many choice that belongs to another partnership than
  the object's is refused; official rows (with no partnership) may be chosen by anyone. On a
  change form the object's partnership is the one it was stored with.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import QueryDict
from django.utils import timezone

from followup.audit import writes

VERSION_FIELD = "followup_version"
"""The hidden field of an admin change form that carries its version (a name no model uses)."""

PARTNERSHIP_PATHS = (
    "partnership",
    "inspection.partnership",
    "review.inspection.partnership",
    "action.partnership",
    "source.partnership",
    "coding.source.partnership",
    "release.partnership",
)
"""Where an object's partnership is found: its own field (or property), or its parent's."""

_UNSET = object()

if TYPE_CHECKING:
    _ModelForm = forms.ModelForm[Any]
else:
    _ModelForm = object


def partnership_of(obj: Any) -> Any:
    """The partnership an object belongs to, or None (official rows, users, areas...)."""
    for path in PARTNERSHIP_PATHS:
        target: Any = obj
        for part in path.split("."):
            target = getattr(target, part, None)
            if target is None:
                break
        if target is not None:
            return target
    return None


def owner_of(obj: Any) -> Any:
    """The partnership whose choice ``obj`` is: a partnership is its own. (The audit app sits
    below ``partnerships`` and does not import it, so a partnership is known by its label.)"""
    if getattr(getattr(obj, "_meta", None), "label", None) == "partnerships.Partnership":
        return obj
    return partnership_of(obj)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class AdminFormMixin(_ModelForm):
    """Mixed into the form of every audited model admin (``AuditedAdminMixin.get_form``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and isinstance(self.data, QueryDict):
            data = self.data.copy()
            for name, values in self.data.lists():
                data.setlist(name, [_lines(v) if isinstance(v, str) else v for v in values])
            self.data = data
        self._change = self.instance.pk is not None and not self.instance._state.adding
        # The partnership the object was stored with, before the form touches it.
        self._stored_owner = partnership_of(self.instance) if self._change else _UNSET
        self.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if self._change and not self.is_bound:
            self.initial[VERSION_FIELD] = writes.version(self.instance, self.versioned())

    def versioned(self) -> list[str]:
        """The model fields this form edits: what its version holds."""
        meta = self.instance._meta
        names = {
            f.name
            for f in meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created and f.editable
        }
        return [n for n, field in self.fields.items() if n in names and not field.disabled]

    def clean(self) -> dict[str, Any]:
        result = super().clean()
        data = result if result is not None else self.cleaned_data
        if self._change:
            self._keep_unchanged(data)
            if not self.errors:
                self._check_version(data)
        self._check_tenancy(data)
        return data

    # Unchanged fields ----------------------------------------------------------------------

    def _keep_unchanged(self, data: dict[str, Any]) -> None:
        """A field the user did not change keeps the stored value exactly (the admin's date and
        time boxes drop microseconds; a browser sends CRLF line breaks)."""
        changed = set(self.changed_data)
        for name in self.versioned():
            model_field = self.instance._meta.get_field(name)
            if name in changed or name not in data or model_field.many_to_many:
                continue
            data[name] = getattr(self.instance, name)

    def changed_fields(self) -> list[str]:
        """The model's own columns the user changed: the only ones a save writes."""
        meta = self.instance._meta
        concrete = {f.name for f in meta.concrete_fields}
        return [n for n in self.changed_data if n in concrete and n in self.versioned()]

    # Versions ------------------------------------------------------------------------------

    def _check_version(self, data: dict[str, Any]) -> None:
        """Refuse the save when the row changed since the form was read (under a row lock held
        until the admin's transaction ends), or when the form's version is not this row's."""
        try:
            current = writes.lock(self.instance)
        except ObjectDoesNotExist:
            raise ValidationError(
                f"This {self.instance._meta.verbose_name} was deleted after the form was "
                "opened: nothing was saved."
            ) from None
        names = self.versioned()
        submitted = writes.state_of_values(current, {n: data[n] for n in names if n in data})
        try:
            writes.check(str(self.data.get(VERSION_FIELD, "")), current, submitted)
        except writes.Conflict as conflict:
            self._show_conflict(conflict, current)

    def _show_conflict(self, conflict: writes.Conflict, current: models.Model) -> None:
        """Show the form again as the row is now, with the user's own changes kept in it and a
        new version, and say what changed since it was opened."""
        yours = {c.name for c in conflict.yours}
        fresh = type(self)(instance=current)
        merged = cast(QueryDict, self.data).copy()  # an admin form is bound to request.POST
        for name in fresh.fields:
            if name == VERSION_FIELD or name in yours:
                continue
            values, names = submitted_by(str(fresh[name]))
            for key in names | {fresh.add_prefix(name)}:
                merged.setlist(key, values.get(key, []))
        merged.setlist(fresh.add_prefix(VERSION_FIELD), [fresh.initial[VERSION_FIELD]])
        self.data = merged
        what = self.instance._meta.verbose_name
        for change in conflict.changes:
            text = _changed_text(change, yours)
            self.add_error(change.name if change.name in self.fields else None, text)
        if conflict.reason == writes.Conflict.UNKNOWN:
            for name in sorted(yours & set(self.fields)):
                self.add_error(name, "Your value is not saved yet.")
            self.add_error(
                None,
                "Nothing was saved: Followup could not tell when this form was opened. "
                "The form now shows the saved values, with your changes kept; check them, "
                "then save again.",
            )
        else:
            self.add_error(
                None,
                f"Nothing was saved: this {what} was changed since you opened this form. The "
                "form now shows its current values, with your own changes kept; check them, "
                "then save again.",
            )

    # Tenancy -------------------------------------------------------------------------------

    def _check_tenancy(self, data: dict[str, Any]) -> None:
        """Every chosen row is official or the object's partnership's own."""
        if not self._change and any(p.split(".")[0] in self.errors for p in PARTNERSHIP_PATHS):
            return  # whose it is is not known yet: the form says what is missing
        owner = self._stored_owner if self._change else self._owner_from(data)
        what = self.instance._meta.verbose_name
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name not in data:
                continue
            value = data[name]
            chosen = list(value) if isinstance(field, forms.ModelMultipleChoiceField) else [value]
            for item in chosen:
                if item is None:
                    continue
                belongs = owner_of(item)
                if belongs is None or belongs == owner:
                    continue
                if owner is None:
                    expected = f"this {what} is official, so choose an official one"
                else:
                    expected = f"this {what} is {owner}’s, so choose one of {owner}’s"
                    expected += " or an official one"
                self.add_error(name, f"“{item}” belongs to {belongs}: {expected}.")
                break

    def _owner_from(self, data: dict[str, Any]) -> Any:
        """The partnership a new object will belong to, from the form's choices."""
        for path in PARTNERSHIP_PATHS:
            first, *rest = path.split(".")
            if first not in data or data[first] is None:
                continue
            target: Any = data[first]
            for part in rest:
                target = getattr(target, part, None)
                if target is None:
                    break
            if target is not None:
                return target
        return None


def _changed_text(change: writes.Change, yours: set[str]) -> str:
    who = f" by {change.by}" if change.by else ""
    when = ""
    if change.at is not None:
        at = timezone.localtime(change.at)
        when = f" at {at:%H:%M} on {at.day} {at:%B %Y}"
    text = f"{change.label} was changed{who}{when} since you opened this form, to “{change.now}”"
    if change.name in yours:
        return f"{text}: your value is kept below; save to use it."
    return f"{text}: the form now shows the new value."


class _Controls(HTMLParser):
    """The names and values a browser submits for some rendered form controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attributes}
        name = attrs.get("name", "")
        disabled = "disabled" in attrs
        if tag == "input" and name:
            self.names.add(name)
            kind = attrs.get("type", "text").lower()
            if disabled or kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self.names.add(name)
            self._select = None if disabled else name
            self._multiple = "multiple" in attrs
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea = None if disabled else name
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not self._multiple:
                chosen = chosen[-1:] or [value for value, _ in self._options[:1]]
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, _lines(self._text).removeprefix("\n"))
            self._textarea = None


def submitted_by(html: str) -> tuple[dict[str, list[str]], set[str]]:
    """What a browser sends for rendered controls: the values by name, and every name seen
    (an unticked box or an empty list sends nothing, but its name is still the field's)."""
    reader = _Controls()
    reader.feed(html)
    reader.close()
    return reader.values, reader.names
