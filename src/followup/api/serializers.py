"""What the API shows of each object: read-only, the fields the pages show."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from followup.frameworks.models import Framework, QualityIndicator
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships import access
from followup.partnerships.models import Area, Partnership


class AreaSerializer(serializers.ModelSerializer[Area]):
    class Meta:
        model = Area
        fields = ("code", "name", "kind")


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    area = AreaSerializer(allow_null=True, help_text="The geography the partnership covers.")
    archived = serializers.SerializerMethodField(
        help_text="Whether the partnership is archived (kept, read-only)."
    )
    role = serializers.SerializerMethodField(help_text="Your role in the partnership.")
    capabilities = serializers.SerializerMethodField(
        help_text="What your role lets you do in it (docs/access.md)."
    )

    class Meta:
        model = Partnership
        fields = ("slug", "name", "description", "area", "archived", "role", "capabilities")

    def get_archived(self, partnership: Partnership) -> bool:
        return partnership.is_archived

    def get_role(self, partnership: Partnership) -> str:
        membership = access.membership_of(self._user(), partnership)
        return membership.role if membership is not None else ""

    def get_capabilities(self, partnership: Partnership) -> list[str]:
        return sorted(access.capabilities(self._user(), partnership))

    def _user(self) -> Any:
        return self.context["request"].user


class FrameworkSerializer(serializers.ModelSerializer[Framework]):
    class Meta:
        model = Framework
        fields = ("urn", "version", "name", "short_name")


class QualityIndicatorSerializer(serializers.ModelSerializer[QualityIndicator]):
    class Meta:
        model = QualityIndicator
        fields = ("urn", "ref_id", "name")


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    quality_indicator = QualityIndicatorSerializer()
    grade_word = serializers.SerializerMethodField(
        help_text="The grade's word on the inspection's scale (such as good), empty if none."
    )

    class Meta:
        model = Evaluation
        fields = (
            "id",
            "quality_indicator",
            "grade",
            "grade_word",
            "basis",
            "narrative",
            "strengths",
            "areas_for_improvement",
            "source_note",
        )

    def get_grade_word(self, evaluation: Evaluation) -> str:
        level = evaluation.level
        return str(level["word"]) if level else ""


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    quality_indicators = QualityIndicatorSerializer(many=True)

    class Meta:
        model = Recommendation
        fields = ("id", "number", "text", "detail", "quality_indicators", "source_note")


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    framework = FrameworkSerializer()
    key_messages = serializers.SerializerMethodField(help_text="The key messages, one a line.")
    evaluations = EvaluationSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)

    class Meta:
        model = Inspection
        fields = (
            "id",
            "title",
            "status",
            "scope",
            "fieldwork_start",
            "fieldwork_end",
            "published_on",
            "framework",
            "scale_name",
            "scale",
            "key_messages",
            "source_note",
            "evaluations",
            "recommendations",
        )

    def get_key_messages(self, inspection: Inspection) -> list[str]:
        return inspection.key_message_list()
