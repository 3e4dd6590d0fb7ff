"""What the API shows of the qualitative evidence: the codebook and approved quotes, as a
viewer's pages show them (the original words, sources and memos are not in the API)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from followup.api.serializers import QualityIndicatorSerializer
from followup.evidence.models import Code, Quote
from followup.inspections.models import Recommendation


class CodeSerializer(serializers.ModelSerializer[Code]):
    depth = serializers.SerializerMethodField(help_text="0 for a top code, 1 for its children…")
    quality_indicator = QualityIndicatorSerializer(allow_null=True)
    codings = serializers.SerializerMethodField(
        help_text="How many passages are coded with it: for those who read the evidence "
        "itself, null for others (as on the codebook page)."
    )

    class Meta:
        model = Code
        fields = (
            "id",
            "name",
            "description",
            "parent",
            "depth",
            "origin",
            "quality_indicator",
            "colour",
            "codings",
        )

    def get_depth(self, code: Code) -> int:
        return int(self.context["depths"][code.pk])

    def get_codings(self, code: Code) -> int | None:
        return int(getattr(code, "used", 0)) if self.context["exact"] else None


class CodeLinkSerializer(serializers.ModelSerializer[Code]):
    class Meta:
        model = Code
        fields = ("id", "name")


class QuoteSerializer(serializers.ModelSerializer[Quote]):
    text = serializers.CharField(
        source="published_text",
        help_text="The quote as published: identifying words replaced by labels such as [name].",
    )
    code = CodeLinkSerializer(source="coding.code")
    recommendations = serializers.PrimaryKeyRelatedField[Recommendation](many=True, read_only=True)
    quality_indicators = QualityIndicatorSerializer(many=True)

    class Meta:
        model = Quote
        fields = ("id", "text", "code", "recommendations", "quality_indicators", "approved_at")


def code_context(codebook: list[tuple[Code, int]], exact: bool) -> dict[str, Any]:
    return {"depths": {code.pk: depth for code, depth in codebook}, "exact": exact}
