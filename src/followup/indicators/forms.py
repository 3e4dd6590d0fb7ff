from __future__ import annotations

from typing import Any

from django import forms

from followup.core.forms import StrictForm


class UploadForm(StrictForm):
    file = forms.FileField(
        label="Data file",
        help_text="A CSV or XLSX file in the tidy layout (area_code, period, data_element, value), or a statistics.gov.scot download with its mapping.",
    )
    release = forms.CharField(
        max_length=300,
        label="Release",
        help_text="Where these figures come from, for example: Quarterly return, October 2024.",
    )
    mapping = forms.FileField(
        required=False,
        label="Mapping (statistics.gov.scot downloads only)",
        help_text="A YAML file saying which rows are which data element.",
    )
    create_elements = forms.BooleanField(
        required=False,
        label="Create data elements the file names but Followup does not know",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The data file must be a CSV or XLSX file")
        return upload

    def clean_mapping(self) -> str:
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return ""
        try:
            return bytes(upload.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The mapping must be a UTF-8 text file") from None
