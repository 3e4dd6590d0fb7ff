"""Indicator values, computed on read from the latest release of each data value.

value = numerator ÷ denominator × factor (or numerator × factor without a denominator). A value
is missing when its numerator is, or when its denominator is missing or zero.

Every read names its reader (the partnership whose page, report or file it is): values come only
from official releases and the reader's own (``followup.indicators.scope``). A derived data
element's figures are worked out from its parts here (``followup.indicators.derived``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from followup.indicators import derived
from followup.indicators.models import Indicator, Release, release_order
from followup.indicators.scope import (
    Reader,
    visible_elements,
    visible_releases,
    visible_values,
)
from followup.lib.gcpause import collector_paused


@dataclass(slots=True)
class Observation:
    """One data value as pages show it: the latest release, and the releases before it."""

    value: float
    release: str
    status: str
    earlier: list[tuple[float, str]] = field(default_factory=list)

    @property
    def revised(self) -> bool:
        return any(old != self.value for old, _ in self.earlier)


@dataclass(slots=True)
class Point:
    period: str
    start: datetime.date
    end: datetime.date
    numerator: Observation | None
    denominator: Observation | None
    value: float | None


def observations(
    element_ids: Iterable[int],
    area_ids: Iterable[int],
    *,
    partnership: Reader,
    releases: QuerySet[Release] | None = None,
    latest_only: bool = False,
) -> dict[tuple[int, int, str], Observation]:
    """See ``_observations``; read with the garbage collector paused (``lib.gcpause``)."""
    with collector_paused():
        return _observations(
            element_ids,
            area_ids,
            partnership=partnership,
            releases=releases,
            latest_only=latest_only,
        )


def _observations(
    element_ids: Iterable[int],
    area_ids: Iterable[int],
    *,
    partnership: Reader,
    releases: QuerySet[Release] | None = None,
    latest_only: bool = False,
) -> dict[tuple[int, int, str], Observation]:
    """The latest observation of each (element, area, period) the reader may see, with earlier
    releases kept; a derived element's worked out from its parts, release by release. With
    ``releases``, only values from those releases count (a report's evidence cut-off).

    With ``latest_only``, for a page that shows no earlier releases (the dashboard), each
    figure's latest release alone is kept (``_latest``), and the observations' ``earlier`` is
    left empty; their values, releases and statuses are the same. Derived elements always read
    every release (their history is worked out from their parts')."""
    result: dict[tuple[int, int, str], Observation] = _Observations()
    elements = list(visible_elements(partnership).filter(pk__in=set(element_ids)))
    formulas = derived.parts(e for e in elements if e.formula)
    plain = {e.pk for e in elements if not e.formula}
    part_ids = {p.pk for terms in formulas.values() for _, p, _ in terms if p is not None}
    values = visible_values(partnership).filter(
        element_id__in=plain | part_ids, area_id__in=list(area_ids)
    )
    if releases is not None:
        values = values.filter(release__in=releases)
    columns = ("element_id", "area_id", "period_id", "value", "release_id", "release__name")
    if latest_only and not part_ids:
        _latest(values, partnership, result)
        return result
    query = values.order_by(*release_order()).values_list(*columns, "status")
    events: dict[tuple[int, str], list[tuple[int, int, str, int, float]]] = {}
    # Each figure's releases in order; its observation is made once, from the last of them.
    chains: dict[tuple[int, int, str], list[tuple[float, str, str]]] = {}
    for order, (element, area, period, value, release_id, release, status) in enumerate(query):
        if element in part_ids:
            events.setdefault((area, period), []).append(
                (order, release_id, release, element, value)
            )
        if element in plain:
            chains.setdefault((element, area, period), []).append((value, release, status))
    for figure, chain in chains.items():
        last = chain[-1]
        result[figure] = Observation(last[0], last[1], last[2], [(v, r) for v, r, _ in chain[:-1]])
    for pk, terms in formulas.items():
        needed = {p.pk for _, p, _ in terms if p is not None}
        for (area, period), found in events.items():
            steps = derived.history(terms, [e for e in found if e[3] in needed])
            if steps:
                value, release = steps[-1]
                result[(pk, area, period)] = Observation(
                    value, release, derived.STATUS, list(steps[:-1])
                )
    return result


def _latest(
    values: QuerySet[Any], partnership: Reader, result: dict[tuple[int, int, str], Observation]
) -> None:
    """Each figure's latest release alone, into ``result``. Releases are few, so they are ranked
    here (``release_order``) and each figure keeps the row of its highest-ranked release, read in
    no order: asking the database to sort the rows instead (``DISTINCT ON``) sorted 38,000 rows
    on disk for one partnership's dashboard at national size, which took longer than this."""
    releases = list(
        visible_releases(partnership).order_by(*release_order("")).values_list("pk", "name")
    )
    rank = {pk: n for n, (pk, _) in enumerate(releases)}
    names = dict(releases)
    best: dict[tuple[int, int, str], int] = {}
    columns = ("element_id", "area_id", "period_id", "value", "release_id", "status")
    for element, area, period, value, release_id, status in values.order_by().values_list(*columns):
        figure = (element, area, period)
        if best.get(figure, -1) < rank[release_id]:
            best[figure] = rank[release_id]
            result[figure] = Observation(value, names[release_id], status, [])


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
        seen = observations(
            elements, [area], partnership=indicator.partnership_id, releases=releases
        )
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


def many_series(
    indicators: list[Indicator], *, latest_only: bool = False
) -> dict[int, list[Point]]:
    """Every indicator's own series, read with two queries for each partnership among them
    (``latest_only``: without earlier releases, see ``observations``)."""
    from followup.indicators.models import Period

    result: dict[int, list[Point]] = {}
    by_reader: dict[int, list[Indicator]] = {}
    for i in indicators:
        by_reader.setdefault(i.partnership_id, []).append(i)
    for reader, group in by_reader.items():
        elements = {i.numerator_id for i in group} | {
            i.denominator_id for i in group if i.denominator_id
        }
        seen = observations(
            elements, {i.area_id for i in group}, partnership=reader, latest_only=latest_only
        )
        periods = {p.id: p for p in Period.objects.filter(id__in={p for (_, _, p) in seen})}
        with collector_paused():
            result.update({i.pk: series(i, seen=seen, periods=periods) for i in group})
    return result


def comparison(
    indicator: Indicator, area_ids: list[int], *, releases: QuerySet[Release] | None = None
) -> tuple[Point, dict[int, Point], str] | None:
    """The indicator at the latest period of its own series for which another of ``area_ids``
    has a figure too: its own point there, every area's point (its own included), and the own
    series' latest period. None when no other area ever has a figure: then there is nothing to
    compare with. ``releases`` limits the figures to those releases (a report's cut-off)."""
    elements = [indicator.numerator_id] + (
        [indicator.denominator_id] if indicator.denominator_id else []
    )
    seen = observations(
        elements,
        {*area_ids, indicator.area_id},
        partnership=indicator.partnership_id,
        releases=releases,
        latest_only=True,  # compared at one period: no earlier releases are shown
    )
    own = [p for p in series(indicator, seen=seen) if p.value is not None]
    for point in reversed(own):
        found = {indicator.area_id: point}
        for area in area_ids:
            if area == indicator.area_id:
                continue
            num = seen.get((indicator.numerator_id, area, point.period))
            den = (
                seen.get((indicator.denominator_id, area, point.period))
                if indicator.denominator_id
                else None
            )
            value = compute(indicator, num, den)
            if value is not None:
                found[area] = Point(point.period, point.start, point.end, num, den, value)
        if len(found) > 1:
            return point, found, own[-1].period
    return None
