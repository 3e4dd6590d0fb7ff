"""Indicator values, computed on read from the latest release of each data value.

value = numerator ÷ denominator × factor (or numerator × factor without a denominator). A value
is missing when its numerator is, or when its denominator is missing or zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from followup.indicators.models import DataValue, Indicator, Release, release_order


@dataclass
class Observation:
    """One data value as pages show it: the latest release, and the releases before it."""

    value: float
    release: str
    status: str
    earlier: list[tuple[float, str]] = field(default_factory=list)

    @property
    def revised(self) -> bool:
        return any(old != self.value for old, _ in self.earlier)


@dataclass
class Point:
    period: str
    start: object
    end: object
    numerator: Observation | None
    denominator: Observation | None
    value: float | None


def observations(
    element_ids: Iterable[int],
    area_ids: Iterable[int],
    *,
    releases: QuerySet[Release] | None = None,
) -> dict[tuple[int, int, str], Observation]:
    """The latest observation of each (element, area, period), with earlier releases kept.
    With ``releases``, only values from those releases count (a report's evidence cut-off)."""
    result: dict[tuple[int, int, str], Observation] = _Observations()
    values = DataValue.objects.filter(element_id__in=list(element_ids), area_id__in=list(area_ids))
    if releases is not None:
        values = values.filter(release__in=releases)
    query = values.order_by(*release_order()).values_list(
        "element_id", "area_id", "period_id", "value", "release__name", "status"
    )
    for element, area, period, value, release, status in query:
        key = (element, area, period)
        previous = result.get(key)
        earlier = [*previous.earlier, (previous.value, previous.release)] if previous else []
        result[key] = Observation(value, release, status, earlier)
    return result


def compute(
    indicator: Indicator, numerator: Observation | None, denominator: Observation | None
) -> float | None:
    if numerator is None:
        return None
    if indicator.denominator_id is None:
        return numerator.value * indicator.factor
    if denominator is None or denominator.value == 0:
        return None
    return numerator.value / denominator.value * indicator.factor


def series(
    indicator: Indicator,
    area_id: int | None = None,
    *,
    seen: dict[tuple[int, int, str], Observation] | None = None,
    periods: dict[str, Any] | None = None,
    releases: QuerySet[Release] | None = None,
) -> list[Point]:
    """The indicator's values for an area (its own by default), oldest period first.

    ``seen`` and ``periods`` let a page that shows many indicators read everything once;
    ``releases`` limits the values to those releases (see ``observations``).
    """
    from followup.indicators.models import Period

    area = area_id if area_id is not None else indicator.area_id
    elements = [indicator.numerator_id] + (
        [indicator.denominator_id] if indicator.denominator_id else []
    )
    if seen is None:
        seen = observations(elements, [area], releases=releases)
    mine = _periods_of(seen).get((indicator.numerator_id, area), set())
    if periods is None:
        periods = {p.id: p for p in Period.objects.filter(id__in=mine)}
    points = []
    for period in sorted((periods[p] for p in mine), key=lambda p: (p.start, p.end)):
        num = seen.get((indicator.numerator_id, area, period.id))
        den = (
            seen.get((indicator.denominator_id, area, period.id))
            if indicator.denominator_id
            else None
        )
        points.append(
            Point(period.id, period.start, period.end, num, den, compute(indicator, num, den))
        )
    return points


def _periods_of(seen: dict[tuple[int, int, str], Observation]) -> dict[tuple[int, int], set[str]]:
    """Periods by (element, area), built once for a set of observations."""
    cached: dict[tuple[int, int], set[str]] | None = getattr(seen, "_index", None)
    if cached is None:
        cached = {}
        for element, area, period in seen:
            cached.setdefault((element, area), set()).add(period)
        if isinstance(seen, _Observations):
            seen._index = cached
    return cached


class _Observations(dict[tuple[int, int, str], Observation]):
    """Observations that remember their index by (element, area)."""

    _index: dict[tuple[int, int], set[str]] | None = None


def many_series(indicators: list[Indicator]) -> dict[int, list[Point]]:
    """Every indicator's own series, read with two queries in all."""
    from followup.indicators.models import Period

    elements = {i.numerator_id for i in indicators} | {
        i.denominator_id for i in indicators if i.denominator_id
    }
    seen = observations(elements, {i.area_id for i in indicators})
    periods = {p.id: p for p in Period.objects.filter(id__in={p for (_, _, p) in seen})}
    return {i.pk: series(i, seen=seen, periods=periods) for i in indicators}


def latest_by_area(indicator: Indicator, area_ids: list[int]) -> dict[int, Point]:
    """Each area's value at the latest period the indicator's own area has."""
    own = [p for p in series(indicator) if p.value is not None]
    if not own:
        return {}
    period = own[-1].period
    elements = [indicator.numerator_id] + (
        [indicator.denominator_id] if indicator.denominator_id else []
    )
    seen = observations(elements, area_ids)
    result = {}
    for area in area_ids:
        num = seen.get((indicator.numerator_id, area, period))
        den = (
            seen.get((indicator.denominator_id, area, period)) if indicator.denominator_id else None
        )
        if num is not None:
            result[area] = Point(
                period, own[-1].start, own[-1].end, num, den, compute(indicator, num, den)
            )
    return result
