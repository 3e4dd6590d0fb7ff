"""What the API shows of indicators, their figures, data elements and releases."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from followup.api.serializers import AreaSerializer, QualityIndicatorSerializer
from followup.indicators.models import DataElement, Indicator, Release
from followup.inspections.models import Recommendation


class DataElementSerializer(serializers.ModelSerializer[DataElement]):
    official = serializers.SerializerMethodField(
        help_text="Whether it is official statistics, shared by every partnership (else the "
        "partnership's own)."
    )

    class Meta:
        model = DataElement
        fields = (
            "id",
            "code",
            "name",
            "description",
            "period_kind",
            "is_count",
            "official",
            "source",
            "formula",
        )

    def get_official(self, element: DataElement) -> bool:
        return element.partnership_id is None


class ReleaseSerializer(serializers.ModelSerializer[Release]):
    official = serializers.SerializerMethodField(
        help_text="Whether it is a release of official statistics (else the partnership's own)."
    )

    class Meta:
        model = Release
        fields = ("id", "name", "published_on", "source_url", "note", "official", "revision")

    def get_official(self, release: Release) -> bool:
        return release.partnership_id is None


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    numerator = serializers.SlugRelatedField[DataElement](slug_field="code", read_only=True)
    denominator = serializers.SlugRelatedField[DataElement](
        slug_field="code", read_only=True, allow_null=True
    )
    area = AreaSerializer()
    quality_indicators = QualityIndicatorSerializer(many=True)
    recommendations = serializers.PrimaryKeyRelatedField[Recommendation](many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = (
            "id",
            "code",
            "name",
            "description",
            "numerator",
            "denominator",
            "factor",
            "unit",
            "improvement_direction",
            "frequency",
            "source",
            "target",
            "area",
            "quality_indicators",
            "recommendations",
            "wellbeing",
            "is_illustrative",
        )


class EarlierSerializer(serializers.Serializer[dict[str, Any]]):
    release = serializers.CharField(help_text="The earlier release's name.")
    published_on = serializers.DateField(allow_null=True)
    numerator = serializers.FloatField(
        allow_null=True, help_text="The numerator that release gave; null when withheld."
    )
    withheld = serializers.BooleanField(help_text="Withheld ([c] on the pages).")


class FigureSerializer(serializers.Serializer[dict[str, Any]]):
    """One period's figure, as the indicator's page and download show it."""

    period = serializers.CharField(help_text="The period's id, such as 2023Q3 or 2023-24.")
    start = serializers.DateField()
    end = serializers.DateField()
    value = serializers.FloatField(
        allow_null=True, help_text="The indicator's figure; null when withheld or unknown."
    )
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    withheld = serializers.BooleanField(
        help_text="The figure and its numerator are withheld ([c] on the pages): a small count, "
        "for those who may not see small counts."
    )
    denominator_withheld = serializers.BooleanField()
    release = serializers.CharField(help_text="The release the figure comes from (the latest).")
    published_on = serializers.DateField(allow_null=True, help_text="That release's date.")
    status = serializers.CharField(help_text="Such as provisional or revised.")
    earlier = serializers.SerializerMethodField(
        help_text="The figures earlier releases gave for the period, with releases=all."
    )

    @extend_schema_field(EarlierSerializer(many=True))
    def get_earlier(self, figure: dict[str, Any]) -> list[dict[str, Any]]:
        return list(figure["earlier"])


class ComparedAreaSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Null when withheld.")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    withheld = serializers.BooleanField(help_text="Withheld ([c] on the page): a small count.")


class FunnelAreaSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.FloatField()
    denominator = serializers.FloatField()
    value = serializers.FloatField(help_text="As plotted (scaled by the indicator's factor).")
    position = serializers.CharField(help_text="above, below or within the 99.8% limits.")
    position95 = serializers.CharField(help_text="above, below or within the 95% limits.")


class FunnelLimitSerializer(serializers.Serializer[dict[str, Any]]):
    n = serializers.FloatField(help_text="The size (denominator) the limits are for.")
    lower95 = serializers.FloatField(allow_null=True)
    upper95 = serializers.FloatField(allow_null=True)
    lower998 = serializers.FloatField(allow_null=True)
    upper998 = serializers.FloatField(allow_null=True)


class FunnelSerializer(serializers.Serializer[dict[str, Any]]):
    """The funnel plot of the indicator's page: every area's figure against its size, with
    the limits chance alone would give (docs/spc.md)."""

    centre = serializers.FloatField(help_text="All areas together: the funnel's centre line.")
    method = serializers.CharField(help_text="The limits' method, in words.")
    widened = serializers.BooleanField(
        help_text="The limits are widened because councils differ more than chance alone "
        "would explain (overdispersion)."
    )
    phi = serializers.FloatField(allow_null=True, help_text="The dispersion ratio, if worked out.")
    finding = serializers.CharField(help_text="Where the own area lies, in words.")
    areas = FunnelAreaSerializer(many=True, help_text="The areas plotted (none withheld).")
    limits = FunnelLimitSerializer(many=True, help_text="The limits' curves, point by point.")
    lines = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.FloatField())),
        help_text="Limits that do not share one size (Fingertips' rate limits): each line's "
        "name and its [size, limit] pairs; empty otherwise.",
    )


class ComparisonSerializer(serializers.Serializer[dict[str, Any]]):
    """The indicator's page's comparison with other areas."""

    period = serializers.CharField(help_text="The latest period other areas have figures for.")
    own = ComparedAreaSerializer(help_text="The indicator's own area.")
    country = ComparedAreaSerializer(
        allow_null=True,
        help_text="Scotland, withheld with any area's small count (it adds them up).",
    )
    group_name = serializers.CharField(help_text="The comparator groups of the own area.")
    areas = ComparedAreaSerializer(
        many=True,
        help_text="The groups' areas, highest figure first, then those withheld (not ranked).",
    )
    funnel = FunnelSerializer(
        allow_null=True, help_text="The funnel plot, for a proportion or a rate; else null."
    )
