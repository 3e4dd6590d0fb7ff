from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from followup.frameworks.models import QualityIndicator
from followup.indicators.cells import control_problem
from followup.indicators.funnel import METHOD_CHOICES
from followup.indicators.layouts import load_mapping
from followup.indicators.models import WELLBEING, DataElement, Indicator
from followup.indicators.scope import visible_elements
from followup.inspections.models import Recommendation
from followup.lib.uploads import UploadError, check_size
from followup.partnerships.models import Area, Partnership
from followup.web.forms import ModelChoiceField, ModelMultipleChoiceField, StrictForm, limit_choices

# A mapping is a few lines of YAML; a large one would only cost time to parse.
MAX_MAPPING_BYTES = 256 * 1024


class UploadForm(StrictForm):
    """The import page's form. Every field is required but the two marked "(optional)", as the
    GOV.UK Design System advises; a file kept from a check that failed (``kept``) stands for
    the data file when no other is chosen."""

    file = forms.FileField(
        label="Data file",
        help_text="A CSV or XLSX file in the tidy layout (area_code, period, data_element, value), or a statistics.gov.scot download with its mapping.",
    )
    release = forms.CharField(
        max_length=300,
        required=False,
        label="Release (optional if every row of the file names its own)",
        help_text="Every figure belongs to a release: say where these figures come from, for example: Quarterly return, October 2024. A release column in the file names the release of its own rows (a download from Followup has one); rows without one take this.",
    )
    mapping = forms.FileField(
        required=False,
        label="Mapping (optional)",
        help_text="Only for a statistics.gov.scot download: a YAML file saying which rows are which data element.",
    )
    create_elements = forms.BooleanField(
        required=False,
        label="Create data elements the file names but Followup does not know",
        help_text="Each is made a count, its small numbers withheld from viewers, unless one of "
        "its figures is a fraction or below 0. The preview says which each will be.",
    )

    def __init__(self, *args: Any, kept: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept = kept
        if kept is not None:
            self.fields["file"].required = False
        self.fields["file"].error_messages["required"] = "Choose a data file"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The data file must be a CSV or XLSX file")
        try:
            check_size(upload.size)
        except UploadError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean_mapping(self) -> str:
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return ""
        if upload.size > MAX_MAPPING_BYTES:
            raise forms.ValidationError(
                f"The mapping must be smaller than {MAX_MAPPING_BYTES // 1024} KB"
            )
        try:
            text = bytes(upload.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The mapping must be a UTF-8 text file") from None
        try:
            load_mapping(text)
        except ValueError as error:
            raise forms.ValidationError(f"The mapping cannot be used: {error}") from None
        return text

    def clean_release(self) -> str:
        release: str = self.cleaned_data["release"]
        if control_problem(None, None, release) is not None:
            raise forms.ValidationError(
                "Enter a release name without control characters (such as tabs or line breaks)"
            )
        return release


def element_label(element: DataElement) -> str:
    """A data element as a choice: its code and name, and whose it is, so that an official data
    element and the partnership's own of the same code can be told apart."""
    whose = "official" if element.partnership_id is None else "this partnership's"
    return f"{element.code} — {element.name} ({whose})"


class IndicatorForm(StrictForm):
    name = forms.CharField(max_length=300, label="Name")
    code = forms.SlugField(
        max_length=100,
        label="Code",
        help_text="Short, with letters, numbers and hyphens, e.g. residential-share",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What it measures"
    )
    numerator = ModelChoiceField(
        queryset=DataElement.objects.none(), label="Numerator (what is counted)"
    )
    denominator = ModelChoiceField(
        queryset=DataElement.objects.none(),
        required=False,
        label="Denominator (leave empty for a single figure)",
    )
    factor = forms.TypedChoiceField(
        choices=[
            (1, "1 (a ratio)"),
            (100, "100 (a percentage)"),
            (1000, "1,000 (per thousand)"),
            (10000, "10,000"),
            (100000, "100,000"),
        ],
        coerce=int,
        label="Multiply by",
        widget=forms.RadioSelect,
    )
    unit = forms.CharField(
        max_length=100,
        required=False,
        label="Unit",
        help_text="e.g. children, %, per 1,000 children",
    )
    area = ModelChoiceField(queryset=Area.objects.order_by("name", "pk"), label="Area")
    improvement_direction = forms.ChoiceField(
        choices=Indicator.Direction.choices, widget=forms.RadioSelect, label="Which is better"
    )
    target = forms.FloatField(required=False, label="Target", help_text="Leave empty for none")
    chart = forms.ChoiceField(
        choices=[
            ("", "Chosen from the data"),
            ("i", "I chart"),
            ("run", "Run chart"),
            ("c", "C chart"),
            ("p", "P chart"),
            ("pp", "P′ chart"),
            ("u", "U chart"),
            ("up", "U′ chart"),
        ],
        required=False,
        label="Chart",
    )
    funnel_method = forms.ChoiceField(
        choices=METHOD_CHOICES,
        required=False,
        label="Funnel plot limits",
        help_text="How this indicator is compared with other areas (docs/spc.md#funnel-plots explains)",
    )
    source = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Source"
    )
    recommendations = ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations it is evidence for",
    )
    quality_indicators = ModelMultipleChoiceField(
        queryset=QualityIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quality indicators",
    )
    wellbeing = forms.MultipleChoiceField(
        choices=[(w, w) for w in WELLBEING],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Wellbeing indicators",
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        indicator: Indicator | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.indicator = indicator
        elements = visible_elements(partnership).order_by("code", "partnership_id", "pk")
        for name in ("numerator", "denominator"):
            field: Any = self.fields[name]
            field.queryset = elements
            field.label_from_instance = element_label
        limit_choices(
            self,
            "recommendations",
            Recommendation.objects.filter(inspection__partnership=partnership),
        )
        # Areas whose code was replaced get no new figures, so they are not offered (as on the
        # partnership's form), but an indicator keeps its own.
        own_area = indicator.area_id if indicator is not None else None
        in_use = Area.objects.filter(Q(successor__isnull=True) | Q(pk=own_area))
        limit_choices(self, "area", in_use.order_by("name", "pk"))
        indicators = QualityIndicator.objects.filter(
            framework__inspections__partnership=partnership, assessable=True
        )
        limit_choices(
            self, "quality_indicators", indicators.distinct().order_by("framework", "order", "pk")
        )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        taken = Indicator.objects.filter(partnership=self.partnership, code=code)
        if self.indicator is not None:
            taken = taken.exclude(pk=self.indicator.pk)
        if taken.exists():
            raise forms.ValidationError("Another indicator of this partnership has this code")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator and denominator:
            if numerator == denominator:
                self.add_error("denominator", "The denominator must differ from the numerator")
            elif numerator.period_kind != denominator.period_kind:
                self.add_error(
                    "denominator",
                    "The denominator must have the same kind of period as the numerator",
                )
        if data.get("chart") in {"p", "pp", "u", "up"} and not denominator:
            self.add_error("chart", "P, P′, U and U′ charts need a denominator")
        return data
