"""The GOV.UK form pages every app's create and edit views are built from: a form shown with
its errors, a create form's one-time key, an edit form's version, and the page that says an edit
came too late.

A view finds its object through the app's queries, requires the capability through
``partnerships.access``, then hands the rest to one call: ``create_page`` for a form whose write
must happen once (creating, merging, deleting), ``edit_page`` for a form that changes an object
that others may change too. ``save_form`` is the write path alone, for a create form drawn inside
a page of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from followup.audit import writes
from followup.web import submissions

M = TypeVar("M", bound=models.Model)


class Edit(Protocol):
    """An update action with its user and object given: ``save(cleaned_data, version=token)``."""

    def __call__(self, data: dict[str, Any], *, version: str) -> Any: ...


def posted(request: HttpRequest) -> QueryDict | None:
    """The fields sent with a POST, None otherwise: a form is bound only when it was sent."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, Any] | None:
    """The files sent with a POST, None otherwise (for a form that takes files)."""
    return request.FILES if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    back_url: str,
    partnership: Any,
    caption: str = "",
    submit_label: str = "Save",
    status: int = 200,
    multipart: bool = False,
    version: str = "",
    conflict: writes.Conflict | None = None,
    template: str = "web/form_page.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a form on the standard GOV.UK form page; an edit form carries its ``version``.
    A page that shows more beside the form gives a ``template`` extending it, and its
    ``context``."""
    return render(
        request,
        template,
        {
            **(context or {}),
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "partnership": partnership,
            "submit_label": submit_label,
            "multipart": multipart,
            "version": version,
            "version_field": writes.VERSION_FIELD,
            "conflict": conflict,
        },
        status=status,
    )


def save_form(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    message: str,
    then: Callable[[Any], str],
) -> HttpResponse | None:
    """The write path of a create form (drawn with ``{% submission_key %}``): on a valid POST,
    call the action with the cleaned data; on success flash ``message`` and redirect to
    ``then(result)``. The form's one-time key makes a second submit of the same form harmless:
    it is told the first was saved and sent where the first led (``web.submissions``). An
    action's ValidationError goes onto the form at the field it names. None means: show the
    form (again)."""
    if request.method != "POST":
        return None
    try:
        key = submissions.check(request)
    except submissions.AlreadyDone as done:
        return _already_done(request, done)
    except submissions.UnknownKey:
        form.is_valid()
        form.add_error(None, submissions.UNKNOWN)
        return None
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        url = submissions.once(request, key, lambda: then(save(data)))
    except submissions.AlreadyDone as done:
        return _already_done(request, done)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, message)
    return redirect(url)


def _already_done(request: HttpRequest, done: submissions.AlreadyDone) -> HttpResponse:
    messages.info(request, str(done))
    return redirect(done.submission.done_url or "/")


def create_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    message: str,
    title: str,
    back_url: str,
    partnership: Any,
    then: Callable[[Any], str] | None = None,
    caption: str = "",
    submit_label: str = "Save",
    multipart: bool = False,
) -> HttpResponse:
    """The page of a form whose write must happen once (it carries a one-time key): shown on
    GET; on a valid POST ``save(cleaned_data)`` calls the action, ``message`` is flashed and the
    browser sent to ``then(result)``, or back to ``back_url`` when ``then`` is not given. A
    second submit of the same form, an unknown key or an action's ValidationError are dealt with
    as ``save_form`` says; otherwise the form is shown again with its errors."""
    done = save_form(request, form, save, message=message, then=then or (lambda _: back_url))
    return done or form_page(
        request,
        form,
        title=title,
        caption=caption,
        back_url=back_url,
        partnership=partnership,
        submit_label=submit_label,
        multipart=multipart,
    )


def edit_page(
    request: HttpRequest,
    obj: M,
    *,
    reload: Callable[[], M],
    fields: Sequence[str],
    form: Callable[[QueryDict | None, M], BaseForm],
    save: Edit,
    message: str,
    title: str,
    back_url: str,
    partnership: Any,
    caption: str = "",
    template: str = "web/form_page.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page that edits one object: the form carries the version of ``fields`` it was read
    at; ``save(cleaned_data, version=token)`` calls the action (most often
    ``partial(actions.update_thing, request.user, thing)``), and the browser is sent back to
    ``back_url``. A save refused as stale shows the form again with the current values, the
    user's own changes kept in it, and what changed since; ``reload`` reads the object again for
    that. ``template`` and ``context``: as ``form_page``'s."""
    page = {
        "title": title,
        "back_url": back_url,
        "partnership": partnership,
        "caption": caption,
        "template": template,
        "context": context,
    }
    _prefetch(obj, fields)
    if request.method != "POST":
        return form_page(request, form(None, obj), version=writes.version(obj, fields), **page)
    bound = form(request.POST, obj)
    token = request.POST.get(writes.VERSION_FIELD, "")
    if bound.is_valid():
        try:
            save(dict(bound.cleaned_data), version=token)
        except writes.Conflict as conflict:
            current = reload()
            _prefetch(current, fields)
            shown = _merged(request.POST, bound, form(None, current), conflict, form, current)
            return form_page(
                request,
                shown,
                version=writes.version(current, fields),
                conflict=conflict,
                **page,
            )
        except ValidationError as error:
            apply_errors(bound, error)
        else:
            messages.success(request, message)
            return redirect(back_url)
    return form_page(request, bound, version=token, **page)


def _prefetch(obj: models.Model, fields: Sequence[str]) -> None:
    """Read many-to-many sets once, so the form and its version see the same ones."""
    names = [n for n in fields if obj._meta.get_field(n).many_to_many]
    if names and obj.pk is not None:
        models.prefetch_related_objects([obj], *names)


def rendered_data(form: BaseForm) -> QueryDict:
    """What a browser sends for an unbound form as it renders."""
    data = QueryDict(mutable=True)
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.FileInput):
            continue
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            data.setlist(bound.html_name, ["on"] if widget.check_test(value) else [])
            continue
        shown = widget.format_value(value)
        values = shown if isinstance(shown, list) else ["" if shown is None else shown]
        data.setlist(bound.html_name, [str(v) for v in values])
    return data


def _merged(
    posted: QueryDict,
    bound: BaseForm,
    fresh: BaseForm,
    conflict: writes.Conflict,
    form: Callable[[QueryDict | None, M], BaseForm],
    current: M,
) -> BaseForm:
    """The form as it is now, with the user's own changes kept in it, and each field changed
    since the form was read marked with who changed it."""
    mapping: dict[str, str] = getattr(bound, "MODEL_FIELDS", {})
    yours = {c.name for c in conflict.yours}
    data = rendered_data(fresh)
    for name in bound.fields:
        if mapping.get(name, name) in yours:
            data.setlist(name, posted.getlist(name))
    merged = form(data, current)
    merged.is_valid()
    placed: set[str] = set()
    for name in merged.fields:
        model_name = mapping.get(name, name)
        if model_name in placed:
            continue
        for change in conflict.changes:
            if change.name == model_name:
                merged.add_error(name, _changed_text(merged.fields[name].label, change, yours))
                placed.add(model_name)
        if conflict.reason == writes.Conflict.UNKNOWN and model_name in yours:
            label = merged.fields[name].label or name
            merged.add_error(name, f"{label}: your value is not saved yet")
            placed.add(model_name)
    for change in conflict.changes:
        if change.name not in placed:
            merged.add_error(None, _changed_text(change.label, change, yours))
    if conflict.reason == writes.Conflict.UNKNOWN:
        merged.add_error(
            None,
            "Nothing was saved: Followup could not tell when this form was opened. "
            "Check the values below, then save again.",
        )
    return merged


def _changed_text(label: Any, change: writes.Change, yours: set[str]) -> str:
    who = f" by {change.by}" if change.by else ""
    when = ""
    if change.at is not None:
        at = timezone.localtime(change.at)
        when = f" at {at:%H:%M} on {at.day} {at:%B %Y}"
    text = f"{label or change.label} was changed{who}{when} since you opened this form"
    if change.name in yours:
        return f"{text}, to “{change.now}”: your value is kept below; save to use it"
    return f"{text}: it now shows the new value"


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put an action's validation error on the form, at the field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def gone_page(
    request: HttpRequest,
    entry: Any,
    *,
    what: str,
    partnership: Any,
    back_url: str,
    back_label: str,
    typed: BaseForm | None = None,
    merged_into: tuple[str, str] | None = None,
) -> HttpResponse:
    """The page for an object deleted, or merged into another, since the page that links to it
    was opened: what happened, by whom and when (from the audit ``entry``), and the values the
    user typed into ``typed`` (a bound form), shown so they can be applied elsewhere. 410 Gone.
    ``merged_into`` is the (name, address) of the object it was merged into, if still there."""
    changes = entry.changes or {}
    into_name = (changes.get("merged_into") or [None, None])[1]
    return render(
        request,
        "web/gone.html",
        {
            "entry": entry,
            "what": what,
            "into_name": into_name,
            "merged_into": merged_into,
            "partnership": partnership,
            "back_url": back_url,
            "back_label": back_label,
            "typed": typed_values(typed) if typed is not None else [],
        },
        status=410,
    )


def typed_values(form: BaseForm) -> list[tuple[str, str]]:
    """Each field of a bound form as the user filled it in: its label and what they typed or
    chose (choices by their labels), "(empty)" when nothing."""
    shown = []
    for bound in form:
        if bound.is_hidden:
            continue
        value = bound.data
        values = [str(v) for v in value] if isinstance(value, list | tuple) else [value]
        values = [v for v in values if v not in (None, "")]
        field = bound.field
        if values and isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            labels = {str(k): str(v) for k, v in _choices(field)}
            values = [labels.get(str(v), str(v)) for v in values]
        if isinstance(field, forms.BooleanField):
            values = ["Yes" if bound.data else "No"]
        shown.append((str(field.label or bound.name), "; ".join(map(str, values)) or "(empty)"))
    return shown


def _choices(field: Any) -> list[tuple[Any, Any]]:
    found = []
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # a group
            found += list(label)
        else:
            found.append((getattr(key, "value", key), label))
    return found
