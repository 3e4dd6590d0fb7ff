from __future__ import annotations

from django import forms

from followup.web.forms import StrictForm

OUT_OF_DATE = (
    "This page is out of date: open the publish page again, check the report, then publish"
)


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
        # The version is a hidden field: any problem with it means the page is out of date
        # (or was altered), and is shown at the top of the page, not at a field no one sees.
        for problem in ("required", "invalid", "min_value", "max_value"):
            self.fields["version"].error_messages[problem] = OUT_OF_DATE

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if "version" in self.errors:
            del self.errors["version"]
            self.add_error(None, OUT_OF_DATE)
        return data


PACK_OUT_OF_DATE = "This page is out of date: open the progress pack page again, then make the pack"


class PackForm(StrictForm):
    """The button that makes the next progress pack: the number the page showed, so that a
    second press of it makes nothing more."""

    number = forms.IntegerField(
        min_value=1, max_value=100_000, widget=forms.HiddenInput, label="Pack number"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for problem in ("required", "invalid", "min_value", "max_value"):
            self.fields["number"].error_messages[problem] = PACK_OUT_OF_DATE

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if "number" in self.errors:
            del self.errors["number"]
            self.add_error(None, PACK_OUT_OF_DATE)
        return data
