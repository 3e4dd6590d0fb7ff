"""The API's reads of indicators and their figures, data elements and releases. An indicator's
figures are read through ``indicators.disclosed.shown_series``, as its page and download read
them: a token whose user may not see small counts (a viewer's) gets them withheld exactly as
that user's pages do."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.api import filters, serializers_analysis, serializers_figures
from followup.indicators import queries
from followup.indicators.disclosed import Shown, shown_comparison, shown_series
from followup.indicators.models import DataElement, Indicator, Release
from followup.indicators.queries import SCOTLAND, Benchmark
from followup.inspections.queries import inspections_of
from followup.lib.disclosure import SUPPRESSED
from followup.partnerships.access import partnership_for
from followup.partnerships.models import Area


@extend_schema(parameters=[filters.IndicatorQuery])
class IndicatorList(generics.ListAPIView[Indicator]):
    """The partnership's indicators (their definitions), by name, narrowed to a recommendation's
    or a quality indicator's as on the dashboard."""

    serializer_class = serializers_figures.IndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        asked = filters.IndicatorQuery.read(self.request)
        return queries.indicators_for(self.request.user, self.kwargs["slug"], **asked)


class IndicatorDetail(generics.RetrieveAPIView[Indicator]):
    """One indicator's definition."""

    serializer_class = serializers_figures.IndicatorSerializer

    def get_object(self) -> Indicator:
        filters.NoQuery.read(self.request)
        return queries.indicator_for(self.request.user, self.kwargs["slug"], self.kwargs["pk"])


def _earlier(shown: Shown, point: Any, dates: dict[str, Any]) -> list[dict[str, Any]]:
    numerator = point.numerator
    if numerator is None:
        return []
    as_shown = shown.revisions[point.period]
    return [
        {
            "release": release,
            "published_on": dates.get(release),
            "numerator": None if text == SUPPRESSED else value,
            "withheld": text == SUPPRESSED,
        }
        for (value, release), (text, _) in zip(numerator.earlier, as_shown, strict=True)
    ]


def figures(shown: Shown, dates: dict[str, Any], asked: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicator's figures as its page's table shows them, oldest period first, within the
    periods asked for (what is withheld was decided on the whole series)."""
    start, end = asked.get("start"), asked.get("end")
    rows = []
    for point in shown.points:
        if (start and point.start < start.start) or (end and point.end > end.end):
            continue
        num, den = point.numerator, point.denominator
        hidden = point.period in shown.withheld
        rows.append(
            {
                "period": point.period,
                "start": point.start,
                "end": point.end,
                "value": None if hidden else point.value,
                "numerator": None if hidden or num is None else num.value,
                "denominator": None
                if den is None or point.period in shown.hidden_denominators
                else den.value,
                "withheld": hidden,
                "denominator_withheld": den is not None
                and point.period in shown.hidden_denominators,
                "release": num.release if num else "",
                "published_on": dates.get(num.release) if num else None,
                "status": num.status if num else "",
                "earlier": _earlier(shown, point, dates) if asked["releases"] == "all" else [],
            }
        )
    return rows


class FigureList(APIView):
    """An indicator's figures for its own area, oldest period first, each from its latest
    release (and, with releases=all, the figures earlier releases gave), with the releases'
    dates. For a token whose user may not see small counts, figures are withheld exactly as on
    that user's pages (``withheld``; [c] on the pages). Not paged: one row a period."""

    @extend_schema(
        parameters=[filters.FiguresQuery],
        responses=serializers_figures.FigureSerializer(many=True),
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        asked = filters.FiguresQuery.read(request)
        indicator = queries.indicator_for(request.user, slug, pk)
        shown = shown_series(request.user, indicator)
        dates = {r.name: r.published_on for r in queries.releases_of(request.user, slug)}
        rows = figures(shown, dates, asked)
        many: Any = serializers_figures.FigureSerializer
        return Response(many(rows, many=True).data)


def _area(area: Any, point: Any, *, withheld: bool = False) -> dict[str, Any]:
    numerator = point.numerator.value if point is not None and point.numerator else None
    denominator = point.denominator.value if point is not None and point.denominator else None
    return {
        "code": area.code,
        "name": area.name,
        "value": None if withheld or point is None else point.value,
        "numerator": None if withheld else numerator,
        "denominator": None if withheld else denominator,
        "withheld": withheld,
    }


def comparison(indicator: Indicator, compared: Benchmark) -> dict[str, Any]:
    """The comparison as the indicator's page shows it."""
    country = None
    if compared.country is not None:
        scotland = Area(code=SCOTLAND, name="Scotland")
        country = _area(scotland, compared.country, withheld=compared.country_withheld)
    return {
        "period": compared.period,
        "own": _area(indicator.area, compared.own),
        "country": country,
        "group_name": compared.group_name,
        "areas": [_area(area, point) for area, point in compared.group]
        + [_area(area, None, withheld=True) for area in compared.withheld],
        "funnel": _funnel(compared),
    }


def _funnel(compared: Benchmark) -> dict[str, Any] | None:
    funnel = compared.funnel
    if funnel is None:
        return None
    return {
        "centre": funnel.centre,
        "method": funnel.limits_text,
        "widened": funnel.widened,
        "phi": funnel.phi,
        "finding": compared.funnel_finding,
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "numerator": a.numerator,
                "denominator": a.denominator,
                "value": a.value,
                "position": a.position,
                "position95": a.position95,
            }
            for a in funnel.areas
        ],
        "limits": [
            {name: _finite(row.get(name)) for name in FUNNEL_LIMITS} for row in funnel.curve
        ],
        "lines": {
            name: [[float(size), float(limit)] for size, limit in pairs]
            for name, pairs in funnel.lines.items()
        },
    }


FUNNEL_LIMITS = ("n", "lower95", "upper95", "lower998", "upper998")


def _finite(value: Any) -> float | None:
    """A limit as JSON has it: none (NaN or infinite, where a limit does not exist) as null."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class ComparisonDetail(APIView):
    """The indicator compared with Scotland and the areas of its own area's comparator
    groups, at the latest period they have figures for, as its page shows it. For a token
    whose user may not see small counts: no comparison at all (404) while any of the
    indicator's own figures is withheld from them, as on their page, and other areas' small
    counts withheld. 404 too when no other area has a figure."""

    @extend_schema(responses=serializers_figures.ComparisonSerializer)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        filters.Query.read(request)
        indicator = queries.indicator_for(request.user, slug, pk)
        compared = shown_comparison(request.user, indicator)
        if compared is None:
            raise NotFound(
                "There is no comparison with other areas to show: no other area has a figure, "
                "or some of this indicator's own figures are withheld from you."
            )
        many: Any = serializers_figures.ComparisonSerializer
        return Response(many(comparison(indicator, compared)).data)


class AnalysisDetail(APIView):
    """The indicator's statistical analysis, as its page shows it: the finding in words, its
    control chart point by point (centre line, limits, which points signal, the run rules) and
    Making Data Count's summary. ``split=inspection`` splits the chart at the first published
    inspection, as the page's choice does. For a token whose user may not see small counts and
    some of whose figures are withheld: no chart and no Making Data Count result, as on their
    page (``withheld``)."""

    @extend_schema(
        parameters=[filters.AnalysisQuery], responses=serializers_analysis.AnalysisSerializer
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        asked = filters.AnalysisQuery.read(request)
        indicator = queries.indicator_for(request.user, slug, pk)
        inspection = (
            inspections_of(indicator.partnership)
            .filter(published_on__isnull=False)
            .order_by("published_on", "pk")
            .first()
        )
        inspected_on = inspection.published_on if inspection else None
        shown = shown_series(
            request.user,
            indicator,
            with_chart=True,
            split_on=inspected_on if asked.get("split") == "inspection" else None,
            inspected_on=inspected_on,
        )
        many: Any = serializers_analysis.AnalysisSerializer
        return Response(many(serializers_analysis.analysis(shown)).data)


class DataElementList(generics.ListAPIView[DataElement]):
    """The data elements the partnership's figures may use: official ones and its own, by
    code, ties by id."""

    serializer_class = serializers_figures.DataElementSerializer

    def get_queryset(self) -> QuerySet[DataElement]:
        filters.Query.read(self.request)
        return queries.data_elements_of(partnership_for(self.request.user, self.kwargs["slug"]))


class ReleaseList(generics.ListAPIView[Release]):
    """The releases the partnership's figures may come from: official ones and its own, the
    latest published first, ties by id."""

    serializer_class = serializers_figures.ReleaseSerializer

    def get_queryset(self) -> QuerySet[Release]:
        filters.Query.read(self.request)
        return queries.releases_of(self.request.user, self.kwargs["slug"])
