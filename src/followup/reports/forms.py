from __future__ import annotations

from django import forms

from followup.core.forms import StrictForm


class PublishForm(StrictForm):
    """The check page's confirmation: the version checked, what it corrects, and a yes."""

    version = forms.IntegerField(
        min_value=1, max_value=100_000, widget=forms.HiddenInput, label="Version"
    )
    correction_note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What this version corrects",
        help_text="Needed when a version is already published: it stays published, and the new version says what it replaces and why.",
    )
    confirm = forms.BooleanField(
        label="I have checked the report and the gaps listed above, and it is ready to be published for good",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = (
            "Confirm that you have checked the report before publishing it"
        )
        self.fields["version"].error_messages["required"] = (
            "The version to publish is missing: open the check page again"
        )
