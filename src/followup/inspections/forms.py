from __future__ import annotations

from typing import Any

from django import forms

from followup.frameworks.models import Framework, QualityIndicator
from followup.inspections.models import Evaluation, Inspection
from followup.web.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    StrictForm,
    date_field,
    limit_choices,
    optional_int,
    set_choices,
)


class InspectionForm(StrictForm):
    title = forms.CharField(max_length=300, label="Title")
    framework = ModelChoiceField(
        queryset=Framework.objects.all(), label="Quality framework", empty_label=None
    )
    scope = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Scope")
    fieldwork_start = date_field("Fieldwork start")
    fieldwork_end = date_field("Fieldwork end")
    published_on = date_field("Publication date")
    status = forms.ChoiceField(
        choices=Inspection.Status.choices, widget=forms.RadioSelect, label="Status"
    )
    key_messages = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Key messages",
        help_text="One message per line.",
    )
    source_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Sources"
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The framework cannot change once evaluations may rest on it.
            del self.fields["framework"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start and end and end < start:
            self.add_error("fieldwork_end", "Fieldwork end must be on or after fieldwork start")
        return data


class EvaluationForm(StrictForm):
    quality_indicator = ModelChoiceField(
        queryset=QualityIndicator.objects.none(), label="Quality indicator"
    )
    grade = forms.TypedChoiceField(
        choices=(),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Grade",
    )
    basis = forms.ChoiceField(
        choices=Evaluation.Basis.choices, widget=forms.RadioSelect, label="Basis"
    )
    narrative = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label="Narrative"
    )
    strengths = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Strengths"
    )
    areas_for_improvement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Areas for improvement"
    )
    source_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Sources"
    )

    def __init__(
        self,
        *args: Any,
        inspection: Inspection,
        evaluation: Evaluation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "grade", [("", "Not graded"), *inspection.scale_choices()])
        if evaluation is not None:
            del self.fields["quality_indicator"]
        else:
            taken = inspection.evaluations.values_list("quality_indicator_id", flat=True)
            limit_choices(
                self,
                "quality_indicator",
                (inspection.framework.assessable_indicators().exclude(pk__in=list(taken))),
            )

    def clean_grade(self) -> int | None:
        return optional_int(self.cleaned_data.get("grade"))


class RecommendationForm(StrictForm):
    number = forms.IntegerField(min_value=1, max_value=999, label="Number")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Recommendation")
    detail = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Detail"
    )
    quality_indicators = ModelMultipleChoiceField(
        queryset=QualityIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quality indicators it comes from",
    )
    source_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Sources"
    )

    def __init__(
        self, *args: Any, inspection: Inspection, exclude_pk: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.exclude_pk = exclude_pk
        limit_choices(self, "quality_indicators", inspection.framework.assessable_indicators())

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        taken = self.inspection.recommendations.filter(number=number)
        if self.exclude_pk is not None:
            taken = taken.exclude(pk=self.exclude_pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Recommendation {number} already exists in this inspection"
            )
        return number
