"""Reading data values through the API, in the manner of DHIS2's ``GET dataValueSets``: the
raw values a partnership's figures are made of (``indicators.export.data_values_for``), each
with the fields the import takes, so a page's ``results`` sent back as ``dataValues`` changes
nothing. Only for tokens whose user may see exact small counts: a viewer's token reads each
indicator's figures, with what viewers may not see withheld, as on the pages.

A partnership may hold millions of values, so the list is paged by id (``paging.AfterPaging``):
each page's ``next`` link asks for the values after its last, which costs the same on the last
page as on the first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from followup.api import filters
from followup.api.paging import AfterPaging
from followup.indicators.export import ValueFilters, data_values_for


class DataValueQuery(filters.Query):
    PAGING = filters.Query.PAGING | {"after"}

    data_element = serializers.CharField(
        required=False, max_length=100, help_text="Only this data element's values (its code)."
    )
    area_code = serializers.CharField(
        required=False, max_length=20, help_text="Only this area's values (its code)."
    )
    start = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Only periods that start on or after this one's start (a period id: 2019, "
        "2019-20, 2019Q2, 2019-07).",
    )
    end = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Only periods that end on or before this one's end.",
    )
    release = serializers.CharField(
        required=False, max_length=300, help_text="Only the values of this release (its name)."
    )
    releases = serializers.ChoiceField(
        choices=[
            ("latest", "each figure from its latest release"),
            ("all", "every release's figure"),
        ],
        required=False,
        help_text="latest (each figure from its latest release) or all (every release's). "
        "Unless given: latest, or all when a release is named.",
    )

    def validate_start(self, value: str) -> Any:
        return filters.period(value)

    def validate_end(self, value: str) -> Any:
        return filters.period(value)


class DataValueReadSerializer(serializers.Serializer[dict[str, Any]]):
    """One data value, with the fields the import takes (for the schema: ``as_value`` writes
    them, a thousand times faster than a serializer's fields would)."""

    data_element = serializers.CharField(help_text="Its code.")
    period = serializers.CharField(help_text="Such as 2024, 2024Q1.")
    area_code = serializers.CharField(help_text="The area's code.")
    value = serializers.FloatField(help_text="The figure, exactly as held.")
    release = serializers.CharField(help_text="Its release's name.")
    status = serializers.CharField(help_text="Such as provisional, or empty.")
    note = serializers.CharField(help_text="Free text, or empty.")


def as_value(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``data_values_for`` as the API gives it: a whole number as a JSON integer
    (no ``.0``), any other figure as stored."""
    figure: float = row["value"]
    return {
        "data_element": row["data_element"],
        "period": row["period_code"],
        "area_code": row["area_code"],
        "value": int(figure) if figure.is_integer() and abs(figure) < 2**53 else figure,
        "release": row["release_name"],
        "status": row["status"],
        "note": row["note"],
    }


class DataValueList(generics.ListAPIView[Any]):
    serializer_class = DataValueReadSerializer
    pagination_class = AfterPaging

    @extend_schema(parameters=[DataValueQuery])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The partnership's data values (official ones and its own, never another
        partnership's; derived data elements left out), in the order they were written, each
        with the fields the import takes. Only for a token whose user may see exact small
        counts (403 for a viewer's: read an indicator's figures instead)."""
        return super().get(request, *args, **kwargs)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([as_value(row) for row in rows])

    def get_queryset(self) -> QuerySet[Any]:
        asked = DataValueQuery.read(self.request)
        return data_values_for(self.request.user, self.kwargs["slug"], ValueFilters(**asked))
