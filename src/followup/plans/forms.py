from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User

from followup.inspections.models import Recommendation
from followup.lib.uploads import UploadError
from followup.partnerships.models import Organisation, Partnership
from followup.plans import files
from followup.plans.models import ActionStatus, ActionUpdate
from followup.plans.queries import askable
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


class MemberChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


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
    lead_user = MemberChoice(
        queryset=User.objects.none(),
        required=False,
        label="Who is asked for its updates",
        help_text=(
            "A member who can add updates. When the plan asks for updates on a schedule, they "
            "are asked by email; with nobody chosen, the owner organisation's contact is asked."
        ),
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
        limit_choices(self, "lead_user", askable(partnership))
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


class FilesInput(forms.FileInput):
    """A file input that takes several files at once."""

    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files, read as ``files.Upload``s once the number and each size are within the
    limits (a file over the limit is never read); what each is is checked by the action."""

    widget = FilesInput

    def clean(self, data: Any, initial: Any = None) -> list[files.Upload]:
        sent = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        try:
            files.check_count(len(sent))
            for upload in sent:
                files.check_size(upload.name or "", upload.size or 0)
        except UploadError as error:
            raise forms.ValidationError(str(error)) from None
        return [files.Upload(upload.name or "", bytes(upload.read())) for upload in sent]


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
    evidence = FilesField(required=False, label=files.LABEL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = (
            f"Optional: up to {files.MAX_FILES} files, such as a committee paper or an audit "
            f"report, together smaller than {files.limit_text()}: {files.ALLOWED}."
        )

    def clean_on(self) -> datetime.date:
        on: datetime.date = self.cleaned_data["on"]
        if on > datetime.date.today():
            raise forms.ValidationError("Date of the update must be today or in the past")
        return on


class ReturnForm(StrictForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why it is returned",
        max_length=2000,
        help_text="Say what the update needs: its author sees this and revises the update.",
    )
