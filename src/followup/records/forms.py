from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from followup.lib.uploads import UploadError, check_size
from followup.records.actions import MAX_REASON, MAX_SEED
from followup.records.models import ReadingTemplate
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
