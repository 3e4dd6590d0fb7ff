"""Form pieces shared by the apps."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from followup.web.paging import whole_number

PARTS = ("day", "month", "year")


class DateInput(forms.Widget):
    """GOV.UK's date input: day, month and year typed in three fields (``NAME_day``,
    ``NAME_month``, ``NAME_year``), never the browser's own picker, whose format follows the
    browser's locale. ``web.templatetags.govuk.govuk_field`` draws it. A single value posted
    under the field's own name (a script, an older page: "27 March 2024" or 2024-03-27) is read
    as before."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        parts = [data.get(f"{name}_{part}") for part in PARTS]
        if all(part is None for part in parts):
            return data.get(name)
        return [str(part or "") for part in parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in PARTS)

    @staticmethod
    def parts(value: Any) -> list[str]:
        """The day, month and year to show in the three fields for a value."""
        if isinstance(value, str):
            text = value.strip()
            value = day_month_year(text)
            if value is None:
                try:
                    value = datetime.date.fromisoformat(text[:10]) if len(text) >= 10 else None
                except ValueError:
                    value = None
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple) and len(value) == len(PARTS):
            return [str(part)[:20] for part in value]
        return ["", "", ""]


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


MISSING = {
    (True, False, False): "a day",
    (False, True, False): "a month",
    (False, False, True): "a year",
    (True, True, False): "a day and month",
    (True, False, True): "a day and year",
    (False, True, True): "a month and year",
}


class DayField(forms.DateField):
    """A date in GOV.UK's three fields (day, month, year; the month as a number or a name), or
    as one value typed as the hint shows it (27 March 2024, 27 Mar 2024), as ISO (2024-03-27), or
    as 27/03/2024. The messages are GOV.UK's: "Date of the update must include a month", "...
    must be a real date"."""

    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def _from_parts(self, parts: list[str] | tuple[str, ...]) -> datetime.date | None:
        day, month, year = (str(part).strip()[:20] for part in parts)
        if not (day or month or year):
            return None
        label = self.label or "The date"
        missing = MISSING.get((not day, not month, not year))
        if missing is not None:
            raise forms.ValidationError(f"{label} must include {missing}", code="incomplete")
        if not (year.isdigit() and len(year) == 4):
            raise forms.ValidationError(
                f"{label} must have a year with 4 numbers, for example 2024", code="year"
            )
        number = int(month) if month.isdigit() else _month(month.lower().rstrip("."))
        try:
            if not day.isdigit() or number is None:
                raise ValueError
            return datetime.date(int(year), number, int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, list | tuple) and len(value) == len(PARTS):
            return self._from_parts(value)
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
        help_text=help_text or "For example, 27 3 2024",
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
