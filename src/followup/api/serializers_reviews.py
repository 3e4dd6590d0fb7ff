"""What the API shows of progress reviews and their judgements."""

from __future__ import annotations

from rest_framework import serializers

from followup.reviews.models import ProgressReview, RecommendationProgress


class JudgementSerializer(serializers.ModelSerializer[RecommendationProgress]):
    recommendation_number = serializers.IntegerField(
        source="recommendation.number", help_text="The recommendation's number."
    )
    level_word = serializers.SerializerMethodField(
        help_text="The level's word on the review's progress scale, empty if not judged."
    )

    class Meta:
        model = RecommendationProgress
        fields = (
            "id",
            "recommendation",
            "recommendation_number",
            "level",
            "level_word",
            "narrative",
            "next_steps",
            "evidence",
            "source_note",
        )

    def get_level_word(self, judgement: RecommendationProgress) -> str:
        level = judgement.level_info
        return str(level["word"]) if level else ""


class ReviewSerializer(serializers.ModelSerializer[ProgressReview]):
    judgements = JudgementSerializer(many=True)
    evidence_cutoff = serializers.DateField(
        source="cutoff",
        allow_null=True,
        help_text="The day after which evidence stays out of the review's report.",
    )

    class Meta:
        model = ProgressReview
        fields = (
            "id",
            "inspection",
            "title",
            "status",
            "fieldwork_start",
            "fieldwork_end",
            "published_on",
            "evidence_cutoff",
            "overall_conclusion",
            "further_review_required",
            "further_review_note",
            "progress_scale_name",
            "progress_scale",
            "source_note",
            "judgements",
        )
