from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from followup.evidence.extract import ExtractError, extract_text
from followup.evidence.limits import (
    ATTRIBUTE_NAME_CHARS,
    ATTRIBUTE_VALUE_CHARS,
    CODE_TEXT_CHARS,
    too_long,
)
from followup.evidence.models import HEADINGS, Case, Code, Source
from followup.evidence.text import Span
from followup.frameworks.models import QualityIndicator
from followup.inspections.models import Recommendation
from followup.lib.uploads import MAX_TEXT_CHARS, UploadError, check_size
from followup.partnerships.models import Partnership
from followup.web.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    StrictForm,
    date_field,
    limit_choices,
)


class SourceForm(StrictForm):
    title = forms.CharField(max_length=300, label="Title")
    kind = forms.ChoiceField(
        # Records reading notes are made by the inspection team's action only.
        choices=[c for c in Source.Kind.choices if c[0] != Source.Kind.RECORDS],
        widget=forms.RadioSelect,
        label="What it is",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Text",
        help_text="Paste the text, or choose a file below. Remove names and other details that identify anyone.",
        strip=False,
    )
    file = forms.FileField(
        required=False,
        label="Or a file",
        help_text="Plain text (.txt, UTF-8), Word (.docx) or PDF with a text layer. Only the words are kept.",
    )
    collected_on = date_field("When it was collected")

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "")
        if len(text) > MAX_TEXT_CHARS:
            raise forms.ValidationError(
                f"The text must be at most {MAX_TEXT_CHARS:,} characters; split it into smaller "
                "sources"
            )
        return text

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        try:
            check_size(upload.size)
            return extract_text(upload.name, bytes(upload.read()))
        except (ExtractError, UploadError) as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, from_file = data.get("text") or "", data.get("file") or ""
        if text.strip() and from_file:
            self.add_error("file", "Paste the text or choose a file, not both")
        elif not text.strip() and not from_file and "file" not in self.errors:
            self.add_error("text", "Enter the text of the source, or choose a file")
        data["text"] = text if text.strip() else from_file
        if "\x00" in data["text"]:
            self.add_error("text", "The text contains a null character; save it as plain text")
        return data


def codable(source: Source) -> QuerySet[Code]:
    """The codes words of the source may be given: its partnership's, headings left out."""
    return Code.objects.filter(partnership=source.partnership).exclude(HEADINGS)


class CodingForm(StrictForm):
    """Code the sentences ticked, or (with JavaScript) the words selected, with several codes."""

    spans = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Sentences to code"
    )
    codes = ModelMultipleChoiceField(
        queryset=Code.objects.none(), widget=forms.CheckboxSelectMultiple, label="Codes"
    )
    start = forms.IntegerField(required=False, min_value=0, label="Starts at character")
    end = forms.IntegerField(required=False, min_value=1, label="Ends before character")
    apply = forms.ChoiceField(
        choices=[("sentences", "sentences"), ("selection", "selection")],
        required=False,
        label="What to code",
    )

    def __init__(self, *args: Any, source: Source, shown: list[Span], **kwargs: Any) -> None:
        """``shown``: the sentences on the page the form is on (a long text is shown a page at a
        time), the only ones it accepts."""
        super().__init__(*args, **kwargs)
        spans = self.fields["spans"]
        assert isinstance(spans, forms.MultipleChoiceField)
        spans.choices = [(f"{s.start}-{s.end}", s.text) for s in shown]
        self.fields["codes"].error_messages["invalid_choice"] = (
            "Choose codes from the list: “%(value)s” is not one of them (headings are not codes)"
        )
        limit_choices(self, "codes", codable(source).order_by("name", "pk"))

    def clean_spans(self) -> list[tuple[int, int]]:
        spans = []
        for value in self.cleaned_data["spans"]:
            start, end = value.split("-")
            spans.append((int(start), int(end)))
        return spans

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("apply") == "selection":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None or end <= start:
                self.add_error("start", "Select the words to code in the text first")
            else:
                data["spans"] = [(start, end)]
        elif "spans" in data and not data["spans"]:
            self.add_error("spans", "Tick the sentences to code")
        return data


class CodeForm(StrictForm):
    name = forms.CharField(max_length=200, label="Name")
    parent = ModelChoiceField(
        queryset=Code.objects.none(), required=False, label="Inside", empty_label="At the top level"
    )
    description = forms.CharField(
        required=False,
        max_length=CODE_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What it means",
    )
    colour = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#1d70b8",
        label="Colour",
        help_text="# and six hexadecimal digits, for example #1d70b8",
        error_messages={"invalid": "Enter a colour as # and six hexadecimal digits, like #1d70b8"},
    )

    memo = forms.CharField(
        required=False,
        max_length=CODE_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Memo",
        help_text="Your notes on how the code is used.",
    )
    recommendations = ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations this code is evidence for",
        help_text="Its passages are counted on these recommendations' pages and in the progress review report.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self, "parent", Code.objects.filter(partnership=partnership).order_by("name", "pk")
        )
        limit_choices(
            self,
            "recommendations",
            Recommendation.objects.filter(inspection__partnership=partnership),
        )


class MergeForm(StrictForm):
    into = ModelChoiceField(
        queryset=Code.objects.none(), label="Merge into", empty_label="Choose a code"
    )

    def __init__(self, *args: Any, code: Code, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = (
            Code.objects.filter(partnership=code.partnership)
            .exclude(pk=code.pk)
            .order_by("name", "pk")
        )
        limit_choices(self, "into", others)


class DeleteCodeForm(StrictForm):
    confirm = forms.BooleanField(
        required=False, label="Yes, delete this code and remove its codings"
    )


class SurveyForm(StrictForm):
    title = forms.CharField(
        max_length=200, label="Survey title", help_text="For example: Staff survey, March 2018"
    )
    file = forms.FileField(
        label="Survey file (CSV or XLSX)", help_text="One row per respondent, with a header row."
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The survey file must be a CSV or XLSX file")
        try:
            check_size(upload.size)
        except UploadError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class SurveyDateForm(StrictForm):
    """When the survey was run: the date of every answer it imports."""

    collected_on = date_field(
        "When the survey closed",
        help_text="The date of every answer. A progress review's report leaves out evidence "
        "gathered after its cut-off, and goes by this date. For example, 19 1 2018",
    )


class QuoteForm(StrictForm):
    redact = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Words to hide",
        help_text="One per line, as the words, a bar and a label, for example: Mrs Smith | name. Every occurrence is hidden.",
    )
    recommendations = ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations this quote is evidence for",
    )

    quality_indicators = ModelMultipleChoiceField(
        queryset=QualityIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quality indicators this quote is evidence for",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "recommendations",
            Recommendation.objects.filter(inspection__partnership=partnership),
        )
        indicators = QualityIndicator.objects.filter(
            framework__inspections__partnership=partnership, assessable=True
        )
        limit_choices(
            self, "quality_indicators", indicators.distinct().order_by("framework", "order", "pk")
        )


class ExchangeForm(StrictForm):
    file = forms.FileField(
        label="A REFI-QDA file (.qdc codebook or .qdpx project)",
        help_text="From NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette or another Followup.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".qdc", ".qdpx")):
            raise forms.ValidationError("The file must be a .qdc or .qdpx file")
        try:
            check_size(upload.size)
        except UploadError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


RESPONDENT_GROUPS = [
    ("", "Not recorded"),
    ("Child or young person", "Child or young person"),
    ("Parent or carer", "Parent or carer"),
    ("Staff", "Staff"),
]
STANDARD_ATTRIBUTES = ("Respondent group", "Organisation", "Age band", "Date")


class CaseForm(StrictForm):
    """A case and its attributes: the standard four, then the partnership's own as lines."""

    name = forms.CharField(
        max_length=200,
        label="Name",
        help_text="A pseudonymous reference such as Respondent 12 or Focus group B; never a real name.",
    )
    respondent_group = forms.ChoiceField(
        choices=RESPONDENT_GROUPS, required=False, label="Respondent group"
    )
    organisation = forms.CharField(max_length=200, required=False, label="Organisation")
    age_band = forms.CharField(
        max_length=40, required=False, label="Age band", help_text="For example 12 to 15"
    )
    date = date_field("Date", required=False)
    other = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Other attributes",
        help_text="The partnership's own, one per line as name: value, for example Locality: Carrick",
    )
    memo = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Memo")

    def clean_other(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data.get("other", "").splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip() or not value.strip():
                raise forms.ValidationError(
                    f"Line {number}: write the attribute as name: value, like Locality: Carrick"
                )
            if name.strip() in STANDARD_ATTRIBUTES:
                raise forms.ValidationError(f"Line {number}: {name.strip()} has its own box above")
            name, value = name.strip(), value.strip()
            if len(name) > ATTRIBUTE_NAME_CHARS:
                raise forms.ValidationError(
                    f"Line {number}: {too_long('the name', name, ATTRIBUTE_NAME_CHARS)}"
                )
            if len(value) > ATTRIBUTE_VALUE_CHARS:
                raise forms.ValidationError(
                    f"Line {number}: {too_long('the value', value, ATTRIBUTE_VALUE_CHARS)}"
                )
            found[name] = value
        return found

    MODEL_FIELDS = {
        "respondent_group": "attributes",
        "organisation": "attributes",
        "age_band": "attributes",
        "date": "attributes",
        "other": "attributes",
    }

    def attributes(self) -> dict[str, str]:
        return self.attributes_of(self.cleaned_data)

    @staticmethod
    def attributes_of(data: dict[str, Any]) -> dict[str, str]:
        """The case's attributes from the form's cleaned data."""
        standard = {
            "Respondent group": data.get("respondent_group") or "",
            "Organisation": data.get("organisation") or "",
            "Age band": data.get("age_band") or "",
            "Date": data["date"].isoformat() if data.get("date") else "",
        }
        other: dict[str, str] = data.get("other", {})
        return {k: v for k, v in standard.items() if v} | other

    @staticmethod
    def initial_for(case: Any) -> dict[str, Any]:
        attrs = dict(case.attributes)
        date = None
        with contextlib.suppress(ValueError):
            date = datetime.date.fromisoformat(str(attrs.get("Date", "")))
        return {
            "name": case.name,
            "respondent_group": attrs.pop("Respondent group", ""),
            "organisation": attrs.pop("Organisation", ""),
            "age_band": attrs.pop("Age band", ""),
            "date": date if date else None,
            "other": "\n".join(
                f"{k}: {v}" for k, v in attrs.items() if k != "Date" or date is None
            ),
            "memo": case.memo,
        }


class SourceDetailsForm(StrictForm):
    case = ModelChoiceField(
        queryset=Case.objects.none(),
        required=False,
        label="Case",
        empty_label="Not attached to a case",
    )
    memo = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Memo",
        help_text="Your notes about this source. Memos go with the project when it is exported.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "case", Case.objects.filter(partnership=partnership))


class CodingEditForm(StrictForm):
    code = ModelChoiceField(queryset=Code.objects.none(), label="Code")
    start = forms.IntegerField(min_value=0, label="Starts at character")
    end = forms.IntegerField(min_value=1, label="Ends before character")
    memo = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Memo")

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = Code.objects.filter(partnership=partnership).exclude(HEADINGS)
        limit_choices(self, "code", codes.order_by("name", "pk"))
