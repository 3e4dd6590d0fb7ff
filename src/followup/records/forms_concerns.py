"""The forms of a concern: raising it, and recording whether it was passed on."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from followup.records.actions_concerns import MAX_NOTE, MAX_ROLE, MAX_WHAT
from followup.records.models import Agency, TemplateQuestion, Urgency
from followup.web.forms import ModelChoiceField, StrictForm, date_field

NO_IDENTIFIERS = "Write no names, dates of birth, addresses or CHI numbers."
EARLIEST = 2000
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class ConcernForm(StrictForm):
    what = forms.CharField(
        label="What is the concern?",
        max_length=MAX_WHAT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what the concern is",
            "max_length": f"Write the concern in at most {MAX_WHAT} characters",
        },
        help_text=f"What you found in the record that suggests the child may be at risk. "
        f"{NO_IDENTIFIERS}",
    )
    agency = forms.ChoiceField(
        label="Which agency should act?",
        choices=Agency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the agency that should act",
            "invalid_choice": "Choose the agency that should act from the list",
        },
    )
    urgency = forms.ChoiceField(
        label="How soon should it act?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how soon the agency should act",
            "invalid_choice": "Choose how soon the agency should act from the list",
        },
    )
    question = ModelChoiceField(
        label="The question it arose from (optional)",
        queryset=TemplateQuestion.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a question of this record's reading template"},
    )

    def __init__(self, *args: Any, questions: QuerySet[TemplateQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["question"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = questions


class PassingOnForm(StrictForm):
    passed_on = forms.ChoiceField(
        label="Was the concern passed to the partnership's named senior manager?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the concern was passed to the senior manager: yes or no",
            "invalid_choice": "Choose yes or no",
        },
    )
    passed_date = date_field("Date passed on", help_text="If yes. For example, 27 3 2026")
    passed_time = forms.CharField(
        label="Time passed on",
        required=False,
        max_length=5,
        error_messages={"max_length": "Give the time as hours and minutes, such as 14:30"},
        help_text="If yes. The 24-hour clock, for example 14:30",
    )
    passed_to = forms.CharField(
        label="Passed to",
        required=False,
        max_length=MAX_ROLE,
        error_messages={"max_length": f"Write the role in at most {MAX_ROLE} characters"},
        help_text="If yes. The senior manager's role, such as Chief Social Work Officer: no name "
        "is needed.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Write the note in at most {MAX_NOTE} characters"},
        help_text=NO_IDENTIFIERS,
    )
    not_passed_reason = forms.CharField(
        label="Why it was not passed on",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Write the reason in at most {MAX_NOTE} characters"},
        help_text=f"If no. {NO_IDENTIFIERS}",
    )

    def clean(self) -> dict[str, Any]:
        """If passed on, the date and the time together as ``passed_at``."""
        data: dict[str, Any] = super().clean() or {}
        if data.get("passed_on") != "yes":
            return data
        day, time = data.get("passed_date"), str(data.get("passed_time") or "")
        if day is None and "passed_date" not in self.errors:
            self.add_error("passed_date", "Give the date it was passed on, such as 27 3 2026")
        elif day is not None and day.year < EARLIEST:
            self.add_error("passed_date", f"Give a date in {EARLIEST} or later")
            day = None
        found = TIME.match(time)
        if not found and "passed_time" not in self.errors:
            self.add_error("passed_time", "Give the time as hours and minutes, such as 14:30")
        if day is not None and found:
            clock = datetime.time(int(found.group(1)), int(found.group(2)))
            data["passed_at"] = timezone.make_aware(datetime.datetime.combine(day, clock))
        return data
