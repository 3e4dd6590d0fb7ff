"""The form of a partnership's update cycle (its schedule)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import QueryDict

from followup.plans import cycle as calendar
from followup.plans.models import UpdateCycle
from followup.web.forms import DayField, StrictForm, date_field


def days_text(days: list[int]) -> str:
    """A list of days as the form shows it: "7, 1"."""
    return ", ".join(str(n) for n in days)


def _days(label: str, text: str, most: int) -> list[int]:
    """Whole numbers of days from 1 to ``most``, at most ``MOST_REMINDERS`` of them, from text
    such as "7, 1" (commas or spaces between), in the order given, each once: a schedule saved
    again unchanged keeps its lists as they were."""
    words = text.replace(",", " ").split()
    if len(words) > calendar.MOST_REMINDERS:
        raise forms.ValidationError(
            f"{label}: give at most {calendar.MOST_REMINDERS} numbers of days"
        )
    numbers = []
    for word in words:
        if not (word.isascii() and word.isdigit() and len(word) <= 4 and 1 <= int(word) <= most):
            raise forms.ValidationError(
                f"{label} must be whole numbers of days from 1 to {most}, for example 7, 1"
            )
        if int(word) not in numbers:
            numbers.append(int(word))
    return numbers


class CycleForm(StrictForm):
    is_active = forms.BooleanField(
        required=False,
        label="Send update requests on this schedule",
        help_text="Untick to stop: no new requests or reminders are sent. Requests already made "
        "are kept.",
    )
    kind = forms.ChoiceField(
        choices=UpdateCycle.Kind.choices, widget=forms.RadioSelect, label="When updates are due"
    )
    first_due_on = date_field(
        "First due date",
        help_text="For a monthly or quarterly schedule: the first date updates are due. Later "
        "dates fall on the same day of the month (or the month's last day). For example, 31 3 2026",
    )
    dates = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Due dates of your own",
        help_text="For a schedule on dates you choose, such as a week before each chief "
        "officers' group meeting: one date a line, for example 24 March 2026.",
    )
    opens_days_before = forms.IntegerField(
        min_value=1,
        max_value=calendar.MOST_DAYS_BEFORE,
        label="Days before the due date that the requests go out",
    )
    remind_before = forms.CharField(
        required=False,
        max_length=100,
        label="Reminders before the due date",
        help_text="Days before it, for example 7, 1. Leave empty for none.",
    )
    remind_after = forms.CharField(
        required=False,
        max_length=100,
        label="Reminders after the due date",
        help_text="Days after it, for example 3, 10. Leave empty for none.",
    )
    escalate_after = forms.IntegerField(
        min_value=1,
        max_value=calendar.MOST_DAYS_AFTER,
        label="Days after the due date to tell the lead officers",
        help_text="Each lead officer gets a list of the updates still missing then.",
    )

    # The due dates of its own as the form showed them (``actions_cycle.dates_seen``): dates
    # changed in another session since are never overwritten unseen.
    dates_seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)

    def __init__(
        self, *args: Any, saved_dates: list[datetime.date] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.saved_dates = saved_dates
        for name, most in (
            ("opens_days_before", calendar.MOST_DAYS_BEFORE),
            ("escalate_after", calendar.MOST_DAYS_AFTER),
        ):
            field = self.fields[name]
            message = f"{field.label} must be a whole number from 1 to {most}"
            for code in ("min_value", "max_value", "invalid"):
                field.error_messages[code] = message
        for name in ("dates", "remind_before", "remind_after"):
            field = self.fields[name]
            field.error_messages["max_length"] = (
                f"{field.label} must be %(limit_value)d characters or fewer"
            )
            field.error_messages["null_characters_not_allowed"] = (
                f"{field.label} must not hold a null character"
            )

    def clean_remind_before(self) -> list[int]:
        return _days(
            "Reminders before the due date",
            self.cleaned_data["remind_before"],
            calendar.MOST_DAYS_BEFORE,
        )

    def clean_remind_after(self) -> list[int]:
        return _days(
            "Reminders after the due date",
            self.cleaned_data["remind_after"],
            calendar.MOST_DAYS_AFTER,
        )

    def clean_dates(self) -> list[datetime.date]:
        lines = [line.strip() for line in self.cleaned_data["dates"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > calendar.MOST_DATES:
            raise forms.ValidationError(
                f"Due dates of your own: give at most {calendar.MOST_DATES} dates"
            )
        found = []
        for number, line in enumerate(lines, 1):
            label = f"The date on line {number} of due dates of your own"
            field = DayField(
                label=label,
                error_messages={
                    "invalid": f"{label} must be a real date, for example 24 March 2026"
                },
            )
            found.append(field.clean(line[:40]))
        return sorted(set(found))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("is_active", "kind", "first_due_on", "opens_days_before", "escalate_after")
        complete = all(name in data for name in (*names, "remind_before", "remind_after"))
        if complete and "dates" in data:
            for name, message in calendar.problems(data, data["dates"]).items():
                self.add_error(name, message)
        self._check_dates_unchanged(data)
        return data

    def _check_dates_unchanged(self, data: dict[str, Any]) -> None:
        """New dates over others saved since the form was read are refused (the action checks
        it again, under lock); the form shown again carries the dates now saved, so that sent
        again, once checked, it saves."""
        saved = self.saved_dates
        if saved is None or self.data is None or "dates" not in data:
            return
        now = calendar.dates_seen(saved)
        if (data.get("dates_seen") or "") != now and data["dates"] != saved:
            self.add_error("dates", calendar.dates_changed(saved))
            shown = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            shown["dates_seen"] = now
            self.data = shown
