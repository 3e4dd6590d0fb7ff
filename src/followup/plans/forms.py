from __future__ import annotations

import datetime
from typing import Any

from django import forms

from followup.inspections.models import Recommendation
from followup.partnerships.models import Organisation, Partnership
from followup.plans.models import ActionStatus, ActionUpdate
from followup.web.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    StrictForm,
    date_field,
    limit_choices,
)


class RecommendationChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.inspection.title}: {obj.number}. {obj.text}"


class ActionForm(StrictForm):
    title = forms.CharField(max_length=300, label="Title")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Description"
    )
    owner_organisation = ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Owner organisation"
    )
    lead_person = forms.CharField(
        max_length=200, required=False, label="Lead person", help_text="Name or post"
    )
    start_date = date_field("Start date")
    due_date = date_field("Due date")
    status = forms.ChoiceField(
        choices=ActionStatus.choices, widget=forms.RadioSelect, label="Status"
    )
    recommendations = RecommendationChoice(
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations this action answers",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "owner_organisation", partnership.organisations.all())
        limit_choices(
            self,
            "recommendations",
            Recommendation.objects.filter(inspection__partnership=partnership).select_related(
                "inspection"
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "Due date must be on or after the start date")
        return data


class ActionUpdateForm(StrictForm):
    on = date_field("Date of the update", required=True)
    status = forms.ChoiceField(
        choices=ActionStatus.choices, widget=forms.RadioSelect, label="Status"
    )
    rating = forms.ChoiceField(
        choices=ActionUpdate.Rating.choices, widget=forms.RadioSelect, label="Progress against plan"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What has happened",
        max_length=5000,
        help_text="What was done, what difference it made, and what is next.",
    )

    def clean_on(self) -> datetime.date:
        on: datetime.date = self.cleaned_data["on"]
        if on > datetime.date.today():
            raise forms.ValidationError("Date of the update must be today or in the past")
        return on
