from __future__ import annotations

from typing import Any

from django import forms

from followup.reviews.models import ProgressReview
from followup.web.forms import StrictForm, date_field, optional_int, set_choices

FURTHER_REVIEW_CHOICES = [("", "Not decided yet"), ("yes", "Yes"), ("no", "No")]


class ReviewForm(StrictForm):
    title = forms.CharField(max_length=300, label="Title")
    fieldwork_start = date_field("Fieldwork start")
    fieldwork_end = date_field("Fieldwork end")
    published_on = date_field("Publication date")
    evidence_cutoff = date_field(
        "Evidence cut-off",
        help_text="Evidence dated after this day stays out of the report: survey answers and notes "
        "by the day they were gathered, figures by the day their release was published, action "
        "updates by the day they describe. Leave blank to use the end of the fieldwork, or else "
        "the publication date. For example, 28 2 2018",
    )
    status = forms.ChoiceField(
        choices=ProgressReview.Status.choices, widget=forms.RadioSelect, label="Status"
    )
    overall_conclusion = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label="Overall conclusion"
    )
    further_review_required = forms.ChoiceField(
        choices=FURTHER_REVIEW_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label="Is further review required?",
    )
    further_review_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="About further review"
    )
    source_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Sources"
    )

    def clean_further_review_required(self) -> bool | None:
        value = self.cleaned_data.get("further_review_required")
        return {"yes": True, "no": False}.get(value or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start and end and end < start:
            self.add_error("fieldwork_end", "Fieldwork end must be on or after fieldwork start")
        return data

    @staticmethod
    def initial_for(review: ProgressReview) -> dict[str, Any]:
        initial = {
            name: getattr(review, name) for name in ReviewForm.base_fields if hasattr(review, name)
        }
        answer = review.further_review_required
        initial["further_review_required"] = "" if answer is None else ("yes" if answer else "no")
        return initial


class JudgementForm(StrictForm):
    level = forms.TypedChoiceField(
        choices=(),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Progress",
    )
    narrative = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label="Narrative"
    )
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Evidence",
        help_text="What the judgement rests on.",
    )
    next_steps = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What must happen next"
    )
    source_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Sources"
    )

    def __init__(self, *args: Any, review: ProgressReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "level", [("", "Not judged yet"), *review.scale_choices()])

    def clean_level(self) -> int | None:
        return optional_int(self.cleaned_data.get("level"))
