from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from followup.lib.uploads import UploadError, check_size
from followup.records.actions import MAX_REASON, MAX_SEED
from followup.records.actions_reading import MAX_RATIONALE, MAX_TEXT, short
from followup.records.models import AnswerType, ReadingPair, ReadingTemplate, TemplateQuestion
from followup.records.returns import identifier_in_text
from followup.web.forms import StrictForm


class ReturnForm(StrictForm):
    file = forms.FileField(
        label="Pre-inspection return",
        help_text=(
            "A CSV or XLSX file with a row for each child and the columns record_key, "
            "child_protection_register, investigation_not_leading_to_registration, "
            "care_and_risk_management, looked_after_at_home, social_work, health, education, "
            "police, childrens_reporter (each yes or no), age_band and team. No names, dates of "
            "birth, addresses or CHI numbers: a file with any is refused."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Choose the pre-inspection return"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The return must be a CSV or XLSX file")
        try:
            check_size(upload.size)
        except UploadError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class SampleForm(StrictForm):
    size = forms.IntegerField(
        label="Sample size",
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": "Enter the sample size",
            "invalid": "Enter the sample size as a whole number, such as 40",
            "min_value": "Enter a sample size of at least 1",
            "max_value": "Enter a sample size no larger than the children in the return",
        },
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=MAX_SEED,
        error_messages={
            "required": "Enter a seed",
            "invalid": "Enter the seed as a whole number",
            "min_value": f"Enter a seed from 0 to {MAX_SEED:,}",
            "max_value": f"Enter a seed from 0 to {MAX_SEED:,}",
        },
        help_text=(
            "A whole number that fixes which records are drawn: the same seed and the same "
            "return always give the same sample. A new one is suggested; you may type another, "
            "one agreed beforehand, say. It is recorded with the sample."
        ),
    )

    # The sample in use when the page was opened (0: none), so that a draw from a page opened
    # before someone else's draw replaces nothing unseen (actions.draw_sample).
    replaces = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    template = forms.ModelChoiceField(
        label="Reading template",
        queryset=ReadingTemplate.objects.none(),
        required=False,
        empty_label="None yet",
        help_text=(
            "The questions each record is read with, from the framework library. Once a sample "
            "reads with a template's version, that version never changes."
        ),
    )

    def __init__(
        self,
        *args: Any,
        size_hint: str = "",
        templates: QuerySet[ReadingTemplate] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["size"].help_text = size_hint
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = templates if templates is not None else ReadingTemplate.objects.none()


class PurposiveForm(StrictForm):
    record_key = forms.CharField(
        label="Record key",
        max_length=64,
        help_text="The child's record key as the partnership's return gives it. Only its hash is kept.",
    )
    reason = forms.CharField(
        label="Why this record is added",
        max_length=MAX_REASON,
        error_messages={
            "required": "Say why this record is added",
            "max_length": f"Write the reason in at most {MAX_REASON} characters",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say why it is read as well as the random sample: it is kept apart from the "
        "random sample's percentages. Write no names, dates of birth, addresses or CHI numbers.",
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        found = identifier_in_text(reason)
        if found:
            raise forms.ValidationError(
                f"The reason holds what looks like {found}: say why without naming the child or "
                "anything that could identify them"
            )
        return reason


GRADES = [
    ("1", "1 Unsatisfactory"),
    ("2", "2 Weak"),
    ("3", "3 Adequate"),
    ("4", "4 Good"),
    ("5", "5 Very good"),
    ("6", "6 Excellent"),
]
YES_NO_NA = [("yes", "Yes"), ("no", "No"), ("na", "Not applicable")]
# A six-point question may not apply to a record (no referral discussion was held, say): its
# grades are then left out of the findings (``records.results``) and of the agreement.
SIX_POINT = [*GRADES, ("na", "Not applicable")]
ANSWER_WORDS = dict(GRADES) | dict(YES_NO_NA)


def answer_field(question: TemplateQuestion, label: str, *, required: bool = False) -> forms.Field:
    """The field for an answer to the question: radios of the six grades or of yes, no and not
    applicable, or a short text."""
    if question.answer == AnswerType.FREE_TEXT:
        return forms.CharField(
            label=label,
            required=False,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": f"Write at most {MAX_TEXT} characters"},
            help_text="Write no names, dates of birth, addresses or CHI numbers.",
        )
    six = question.answer == AnswerType.SIX_POINT
    expected = "a grade from 1 to 6, or not applicable" if six else "yes, no or not applicable"
    named = short(question.prompt)
    return forms.ChoiceField(
        label=label,
        choices=SIX_POINT if six else YES_NO_NA,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Answer “{named}”: choose {expected}",
            "invalid_choice": f"Choose {expected}",
        },
    )


class ReadingForm(StrictForm):
    """A reader's answers to every question of the template: each may be left for later in a
    draft (``actions_reading.save_reading`` asks for all on submitting)."""

    # When the reader's own reading was last saved, as the page was opened: a save from a page
    # opened before a later save (another tab) is refused (actions_reading.save_reading).
    saved = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, questions: list[TemplateQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q-{question.key}"] = answer_field(question, question.prompt)


class ModerationForm(StrictForm):
    """The agreed answer to each question, and why, where the two readings differ."""

    def __init__(self, *args: Any, questions: list[TemplateQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            # Not required here: the action asks for every answer and reason at once, each by
            # its question (``actions_reading.moderate``).
            self.fields[f"q-{question.key}"] = answer_field(
                question, f"Agreed answer: {question.prompt}"
            )
            self.fields[f"why-{question.key}"] = forms.CharField(
                label=f"Why this is the agreed answer: {question.prompt}",
                required=False,
                max_length=MAX_RATIONALE,
                error_messages={
                    "max_length": f"Write the reason in at most {MAX_RATIONALE} characters"
                },
                help_text="A few words; needed where the readings differ or the agreed answer "
                "is neither's. Write no names, dates of birth, addresses or CHI numbers.",
            )


class PairForm(StrictForm):
    inspector = forms.ModelChoiceField(
        label="Inspector",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose the inspector",
            "invalid_choice": "Choose an inspector assigned to this partnership",
        },
    )
    reader = forms.ModelChoiceField(
        label="Local reader",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose the local reader",
            "invalid_choice": "Choose a local reader of this partnership",
        },
        help_text="A member of the partnership with the role local reader: a lead officer "
        "gives it on the members page.",
    )

    def __init__(
        self, *args: Any, inspectors: QuerySet[User], readers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, users in (("inspector", inspectors), ("reader", readers)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = users


class AssignForm(StrictForm):
    """No fields: the button shares the sample's records not yet assigned among its pairs."""


class ReleaseForm(StrictForm):
    """No fields: the button releases the sample's findings as they stand."""


class ReassignForm(StrictForm):
    pair = forms.ModelChoiceField(
        label="Pair",
        queryset=ReadingPair.objects.none(),
        help_text="A record nobody has started reading may go to another pair of its sample.",
    )

    def __init__(self, *args: Any, pairs: QuerySet[ReadingPair], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pair"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pairs
