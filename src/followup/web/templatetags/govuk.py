"""Render Django form fields as GOV.UK Frontend components."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import is_aware, localtime

from followup.lib import dates
from followup.web.forms import DateInput

register = template.Library()


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if field.is_hidden:
        return "hidden"  # carried as the page drew it, with no label: state, not a question
    if isinstance(widget, DateInput):
        return "date"
    # CheckboxSelectMultiple subclasses RadioSelect (Django 5.x), so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def anchor_id(field: BoundField) -> str:
    """The id the error summary links to: the input itself, the first option, or the first of
    a date's fields in error."""
    kind = _kind(field)
    if kind in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    if kind == "date":
        return next(
            (part["id"] for part in _date_parts(field) if part["error"]), str(field.auto_id)
        )
    return str(field.auto_id)


DATE_PARTS = (("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4"))


def _date_parts(field: BoundField) -> list[dict[str, Any]]:
    """A GOV.UK date input's three fields: the day's id is the field's own (its label and the
    error summary go to it); in error, the fields left empty, or all three when none is."""
    values = DateInput.parts(field.value())
    empty = [not value.strip() for value in values]
    flagged = empty if any(empty) and not all(empty) else [True] * 3
    field_id = str(field.auto_id)
    return [
        {
            "name": f"{field.html_name}_{part}",
            "id": field_id if part == "day" else f"{field_id}_{part}",
            "label": label,
            "width": width,
            "value": value,
            "error": bool(field.errors) and flag,
        }
        for (part, label, width), value, flag in zip(DATE_PARTS, values, flagged, strict=True)
    ]


@register.inclusion_tag("includes/field.html")
def govuk_field(field: BoundField, width: str = "") -> dict[str, Any]:
    kind = _kind(field)
    field_id = str(field.auto_id)
    described = []
    if field.help_text:
        described.append(f"{field_id}-hint")
    if field.errors:
        described.append(f"{field_id}-error")
    context: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "id": field_id,
        "describedby": " ".join(described),
        "errors": field.errors,
    }
    if kind == "date":
        context["parts"] = _date_parts(field)
    if kind == "radios" and not field.field.required:
        # An optional radio group can always be cleared: offer "None" when no choice is empty.
        empty = [o for o in field.subwidgets if o.data["value"] in ("", None)]
        if not empty:
            context["clear_id"] = f"{field_id}_none"
            context["clear_checked"] = field.value() in (None, "", [])
    if kind in {"input", "textarea", "select", "checkbox"}:
        base = (
            "govuk-file-upload"
            if isinstance(field.field.widget, forms.FileInput)
            else {
                "input": "govuk-input",
                "textarea": "govuk-textarea",
                "select": "govuk-select",
                "checkbox": "govuk-checkboxes__input",
            }[kind]
        )
        classes = [base]
        if field.errors and kind != "checkbox":
            classes.append(f"{base}--error")
        if width:
            classes.append(f"govuk-input--width-{width}")
        elif isinstance(field.field.widget, forms.NumberInput):
            classes.append("govuk-input--width-10")
        attrs: dict[str, str | bool] = {"class": " ".join(classes)}
        if described:
            attrs["aria-describedby"] = " ".join(described)
        context["widget"] = field.as_widget(attrs=attrs)
    return context


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, Any]:
    items: list[dict[str, str]] = []
    for error in form.non_field_errors():
        items.append({"text": str(error), "href": ""})
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        # A hidden field has nothing to go to: its error is told without a link.
        href = "" if bound.is_hidden else f"#{anchor_id(bound)}"
        for error in errors:
            items.append({"text": str(error), "href": href})
    return {"items": items}


@register.filter
def grade_class(value: int | None) -> str:
    """A tag colour for a six-point grade; the word and number are always shown too."""
    if value is None:
        return "govuk-tag--grey"
    return {
        6: "govuk-tag--green",
        5: "govuk-tag--green",
        4: "govuk-tag--turquoise",
        3: "govuk-tag--yellow",
        2: "govuk-tag--orange",
        1: "govuk-tag--red",
    }.get(value, "govuk-tag--grey")


@register.filter
def status_class(value: str) -> str:
    return {
        "complete": "govuk-tag--green",
        "in_progress": "govuk-tag--blue",
        "on_hold": "govuk-tag--yellow",
        "cancelled": "govuk-tag--grey",
        "not_started": "govuk-tag--grey",
        "on_track": "govuk-tag--green",
        "at_risk": "govuk-tag--yellow",
        "off_track": "govuk-tag--red",
        "draft": "govuk-tag--grey",
        "published": "govuk-tag--green",
    }.get(value, "govuk-tag--grey")


@register.filter
def has_cap(capabilities: Any, name: str) -> bool:
    return name in capabilities


@register.simple_tag(takes_context=True)
def submission_key(context: Any) -> SafeString:
    """A create form's one-time key (``web.submissions``): put it inside the form, like
    ``{% csrf_token %}``."""
    from followup.web.submissions import FIELD, new_key

    request = context.get("request")
    user = getattr(request, "user", None)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key(user))


@register.simple_tag
def page_title(*parts: str) -> SafeString:
    from django.utils.html import escape

    return SafeString(" – ".join(escape(p) for p in [*parts, "Followup"] if p))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "") if key is not None else ""
    except AttributeError:
        return ""


@register.filter
def index(sequence: Any, position: int) -> Any:
    try:
        return sequence[position]
    except (IndexError, TypeError):
        return None


@register.filter
def ordinal_suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


@register.filter(name="day")
def day_filter(value: Any) -> str:
    """A date as people write it: "31 July 2020" (a date and time: "31 July 2020, 14:05")."""
    if isinstance(value, datetime.datetime):
        return dates.day_and_time(localtime(value) if is_aware(value) else value)
    if isinstance(value, datetime.date):
        return dates.day(value)
    return "" if value is None else str(value)


@register.filter(name="period")
def period_filter(value: Any) -> str:
    """A period id as people write it: "31 July 2020", "July 2020", "2019-20"."""
    return "" if value is None else dates.period(str(value))


@register.filter
def dates_in_words(value: Any) -> str:
    """Text (such as a case attribute or a stored name) with any ISO day in it written as
    people write it."""
    return "" if value is None else dates.in_words(str(value))


@register.filter
def figure(value: Any) -> str:
    """A ``disclosure.Figure`` as its audience sees it: withheld as the suppression symbol,
    small counts (shown only to those allowed to see them) marked."""
    if value.withheld:
        return str(value)
    if value.small:
        return format_html(
            '<span class="followup-small-count">{}<span class="govuk-visually-hidden"> '
            "(a small count, never published)</span></span>",
            value.value,
        )
    return str(value.value)
