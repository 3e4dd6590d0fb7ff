"""Form pieces shared by the apps."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from followup.web.paging import whole_number


class DateInput(forms.DateInput):
    """A native date input: works without JavaScript and reads ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# "27 March 2024", "27 Mar 2024", "1 Sept. 2018", "1st February, 2018": spaces, not slashes.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})")


def _month(word: str) -> int | None:
    """A month's number from its English name, in full or cut short to three letters or more
    ("mar", "sept"), whatever the process's locale."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, 1):
        if name.startswith(word):
            return number
    return None


def day_month_year(text: str) -> datetime.date | None:
    """A date written as people write it, "27 March 2024" or "27 Mar 2024"; None if it is not
    one (a real date or not)."""
    if len(text) > 40:  # no date is longer; keep the work small whatever is posted
        return None
    match = _DAY_MONTH_YEAR.fullmatch(" ".join(text.lower().split()))
    if match is None:
        return None
    month = _month(match.group(2))
    if month is None:
        return None
    try:
        return datetime.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


class DayField(forms.DateField):
    """A date typed as the hint shows it (27 March 2024, 27 Mar 2024), as a date picker sends
    it (2024-03-27), or as 27/03/2024."""

    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            day = day_month_year(value.strip())
            if day is not None:
                return day
        result: datetime.date | None = super().to_python(value)
        return result


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return DayField(
        label=label,
        required=required,
        help_text=help_text or "For example, 27 March 2024",
        widget=DateInput(),
        error_messages={"invalid": f"{label} must be a real date, for example 27 March 2024"},
    )


class StrictForm(forms.Form):
    """Base for Followup forms: text is stripped, line breaks are \\n whatever the browser
    sent (browsers send CRLF), and messages name the field.

    ``MODEL_FIELDS`` maps a form field to the model field it edits, where their names differ
    (an edit page uses it to keep a user's own changes when a save is refused as stale)."""

    MODEL_FIELDS: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and isinstance(self.data, QueryDict):
            data = self.data.copy()
            for name, values in self.data.lists():
                data.setlist(name, [_lines(v) if isinstance(v, str) else v for v in values])
            self.data = data
        for field in self.fields.values():
            label = (field.label or "this field").lower()
            verb = (
                "Choose"
                if isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
                else "Enter"
            )
            field.error_messages["required"] = f"{verb} {label}"
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = f"{field.label} must be a whole number"
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["invalid_choice"] = f"Choose {label} from the list"
                field.error_messages["invalid_pk_value"] = f"Choose {label} from the list"
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.error_messages["invalid_list"] = f"Choose {label} from the list"


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


MAX_ID = 2**63 - 1

if TYPE_CHECKING:  # generic for the type checker only: Django's own classes take no parameters
    _ModelChoiceField = forms.ModelChoiceField[Any]
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Any]
else:
    _ModelChoiceField = forms.ModelChoiceField
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField


def _check_id(field: forms.ModelChoiceField[Any], value: Any) -> None:
    """Refuse ids that are not whole numbers in the database's range before any query."""
    if not whole_number(str(value).strip(), MAX_ID):
        raise forms.ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ModelChoiceField(_ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            _check_id(self, value)
        return super().to_python(value)


class ModelMultipleChoiceField(_ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for item in value:
                _check_id(self, item)
        return super().clean(value)


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer ``name`` only the rows of ``queryset`` (a model choice field's choices)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Offer ``name`` these ``choices`` (a choice field's)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    field.choices = choices
