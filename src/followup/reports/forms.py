from __future__ import annotations

from django import forms

from followup.core.forms import StrictForm


class PublishForm(StrictForm):
    correction_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What this version corrects",
        help_text="Needed when a version is already published: it stays published, and the new version says what it replaces and why.",
    )
