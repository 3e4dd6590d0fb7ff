"""What an audience sees of an indicator's figures: the rule published reports use, on pages and
downloads too.

What is withheld (``[c]``) is decided once for all of a partnership's figures, by
``withheld_figures``: every data element, area and period its measures show, for its own area
and the areas they are compared with, through ``followup.lib.disclosure.protect_figures``. A
small count is withheld whatever the measure's factor or denominator; so is a rate's numerator
1 to the threshold short of its denominator; so is what a formula (a derived data element) would
give back, or the other sums of ``followup.indicators.relations`` (Scotland as the sum of its
councils, validation rules ``a + b == c``, counts that add up, and published percentages beside
a withheld count of their source); and so is a figure a published report withheld, wherever the
same figure is shown. A
measure with any withheld figure has no chart, no statistical finding, no Making Data Count
result, no change and no comparison with other areas for those who may not see small counts,
since its centre line, limits and neighbours could give the figure away. Earlier releases'
figures are withheld by the rule for one figure, and altogether for the data elements of a
formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.template.defaultfilters import floatformat

from followup.indicators import derived, queries, relations, withheld_memo
from followup.indicators.models import Indicator, Release
from followup.indicators.queries import SCOTLAND, Analysis, Benchmark, benchmark
from followup.indicators.values import Observation, Point, observations
from followup.lib import disclosure
from followup.lib.types import TryAgainLater
from followup.partnerships.access import AnyUser, Capability, can
from followup.partnerships.models import Area, Partnership

WITHHELD_FINDING = (
    "Some figures are small counts and are withheld ([c]), so no chart or statistical finding "
    "is given for this measure."
)


Key = tuple[int, int, str]  # data element, area, period


@dataclass(frozen=True)
class Withheld:
    """What a partnership's viewers are not shown of the data behind its indicators, decided
    once for every page, download and report (``withheld_figures``): the (data element, area,
    period) figures withheld, and the data elements linked by a formula, whose earlier releases
    are withheld too."""

    figures: frozenset[Key] = frozenset()
    linked: frozenset[int] = frozenset()

    @cached_property
    def _series(self) -> frozenset[tuple[int, int]]:
        return frozenset((element, area) for element, area, _ in self.figures)

    def touches(self, indicator: Indicator, area_id: int | None = None) -> bool:
        """Whether any figure of the indicator's numerator or denominator for the area is
        withheld (if none is, no point of it need be looked at)."""
        area = indicator.area_id if area_id is None else area_id
        return (indicator.numerator_id, area) in self._series or (
            indicator.denominator_id,
            area,
        ) in self._series

    def point(self, indicator: Indicator, point: Point, area_id: int | None = None) -> bool:
        """Whether an indicator's figure for a period is withheld: its numerator or its
        denominator is."""
        area = indicator.area_id if area_id is None else area_id
        keys = [(indicator.numerator_id, area, point.period)]
        if indicator.denominator_id is not None:
            keys.append((indicator.denominator_id, area, point.period))
        return any(key in self.figures for key in keys) and point.numerator is not None

    def point_of(self, indicator: Indicator, area_id: int, point: Point) -> bool:
        return self.point(indicator, point, area_id)

    def denominator(self, indicator: Indicator, point: Point, area_id: int | None = None) -> bool:
        area = indicator.area_id if area_id is None else area_id
        return (indicator.denominator_id, area, point.period) in self.figures


class FiguresChanging(TryAgainLater):
    """The figures kept changing while a page read them (imports one after another)."""


T = TypeVar("T")
ATTEMPTS = 3


def as_shown(partnership: Partnership, read: Callable[[Withheld | None], T], *, exact: bool) -> T:
    """``read(withheld)``, which reads the figures a page or report shows, with what the audience
    may not see (``None`` for those who see exact figures), read so that the two agree.

    ``withheld_figures`` and the figures are read in separate queries, so an import committed
    between them could show a new small count that the decision has not seen. The fingerprint of
    everything the decision depends on (``withheld_memo.fingerprint``) is read before and after:
    if it changed, the page is read again, and after three tries ``FiguresChanging`` answers
    "busy, try again" rather than show figures that may not agree with what is withheld."""
    if exact:
        return read(None)
    return _steady(partnership, lambda before: read(_remembered(partnership, before)))


def steady(partnership: Partnership, read: Callable[[], T]) -> T:
    """``read()`` run until nothing that decides what the partnership's viewers may see changed
    while it ran (``as_shown``; a report reads its own cut-off's decision inside ``read``)."""
    return _steady(partnership, lambda _: read())


def _steady(partnership: Partnership, read: Callable[[str], T]) -> T:
    for _ in range(ATTEMPTS):
        before = withheld_memo.fingerprint(partnership, _published_cutoffs)
        result = read(before)
        if withheld_memo.fingerprint(partnership, _published_cutoffs) == before:
            return result
    raise FiguresChanging(
        "The partnership's figures were being imported or changed while this page read them."
    )


def value_withheld(indicator: Indicator, value: float | None, denominator: float | None) -> bool:
    """Whether a numerator's figure (with the denominator beside it, if any) is withheld by the
    rule for one figure alone: a small count, whatever the indicator's factor."""
    if value is None:
        return False
    if indicator.denominator_id is not None and denominator is not None:
        return disclosure.rate_withheld(value, denominator)
    return float(value).is_integer() and disclosure.is_disclosive(int(value))


def compared_areas(indicators: list[Indicator]) -> set[int]:
    """The areas the indicators' pages show figures for: their own, the areas of their own
    area's groups and Scotland."""
    own = {i.area_id for i in indicators}
    others = Area.objects.filter(Q(groups__areas__in=own) | Q(code=SCOTLAND))
    return own | set(others.values_list("pk", flat=True))


PublishedCutoffs = Callable[[Partnership], list[QuerySet[Release]]]
_published_cutoffs: PublishedCutoffs | None = None


def published_reports_from(cutoffs: PublishedCutoffs) -> None:
    """Say how to find the releases behind each published report of a partnership.

    Reports sit above this app (they compose indicators, evidence, plans and reviews), so this
    app cannot import them; ``reports`` calls this when Django is ready
    (``reports.apps.ReportsConfig.ready``) with ``reports.cutoff.published_cutoffs``. Until it
    has, ``withheld_figures(published=True)`` refuses to answer rather than answer without the
    published reports."""
    global _published_cutoffs
    _published_cutoffs = cutoffs


def withheld_figures(
    partnership: Partnership,
    *,
    releases: QuerySet[Release] | None = None,
    published: bool = True,
) -> Withheld:
    """What viewers are not shown of the partnership's indicators' figures, for every area they
    are shown for, by ``disclosure.protect_figures``: small counts and rates, and what formulas
    would give back. ``releases`` limits the figures to those releases (a report's cut-off).
    With ``published``, a figure a published report withheld is withheld wherever the same
    figure (from the same release) is shown, so that the report and the pages together give
    nothing away that either withholds.

    The answer for every release, with published reports (what every page asks), is kept while
    nothing it was worked out from changes (``withheld_memo``)."""
    if releases is None and published:
        return _remembered(partnership, None)
    return Withheld(*_work_out(partnership, releases=releases, published=published))


def _remembered(partnership: Partnership, known: str | None, *, wait: bool = True) -> Withheld:
    figures, linked = withheld_memo.remembered(
        partnership,
        _published_cutoffs,
        lambda: _work_out(partnership, releases=None, published=True),
        known=known,
        wait=wait,
    )
    return Withheld(figures, linked)


def remember_withheld(partnership: Partnership) -> bool:
    """Work out and keep what the partnership's viewers may not see, unless it is kept already;
    False, at once, when another process is working it out (a page got there first)."""
    try:
        _remembered(partnership, None, wait=False)
    except withheld_memo.WorkingOut:
        return False
    return True


def _work_out(
    partnership: Partnership, *, releases: QuerySet[Release] | None, published: bool
) -> withheld_memo.Answer:
    indicators = list(
        Indicator.objects.filter(partnership=partnership).select_related("numerator", "denominator")
    )
    if not indicators:
        return frozenset(), frozenset()
    elements = {i.numerator for i in indicators} | {
        i.denominator for i in indicators if i.denominator
    }
    formulas = derived.parts(e for e in elements if e.formula)
    parts = {p for terms in formulas.values() for _, p, _ in terms if p is not None}
    every = {e.pk: e for e in elements | parts}
    areas = compared_areas(indicators)
    seen = observations(every, areas, partnership=partnership, releases=releases)
    councils, sums = relations.councils_of_scotland(partnership, every, seen, releases)
    values = {key: o.value for key, o in {**seen, **councils}.items()}
    by_element: dict[int, list[tuple[int, str]]] = {}
    for element, area, period in seen:
        by_element.setdefault(element, []).append((area, period))
    rates = {
        ((i.numerator_id, area, period), (i.denominator_id, area, period))
        for i in indicators
        if i.denominator_id is not None
        for area, period in by_element.get(i.numerator_id, [])
    }
    linked = [
        disclosure.Formula(
            (pk, area, period),
            tuple((int(sign), (p.pk, area, period)) for sign, p, _ in terms if p is not None),
        )
        for pk, terms in formulas.items()
        for area, period in by_element.get(pk, [])
    ]
    ruled, by_rules = relations.rule_sums(partnership, every.values(), seen)
    linked += sums + ruled
    also: set[Key] = set()
    if published:
        also = _withheld_in_reports(partnership, seen)
    counts = [key for key in values if every[key[0]].is_count]
    linked += relations.coincidences(values, counts)
    figures = disclosure.protect_figures(
        values,
        counts=counts,
        rates=rates,
        formulas=linked,
        also=also,
    )
    figures |= relations.published_shares(values, every, figures)
    return (
        frozenset(figures),
        frozenset(formulas) | frozenset(p.pk for p in parts) | frozenset(by_rules),
    )


def _withheld_in_reports(partnership: Partnership, seen: dict[Key, Observation]) -> set[Key]:
    """The figures a published progress review report withheld that are shown again, the same
    figure from the same release, in ``seen``."""
    if _published_cutoffs is None:
        raise ImproperlyConfigured(
            "Nothing has told indicators.disclosed which releases published reports took: "
            "followup.reports must be installed (it calls published_reports_from when ready)."
        )
    found: set[Key] = set()
    for releases in _published_cutoffs(partnership):
        then = withheld_figures(partnership, releases=releases, published=False)
        earlier = _observed(partnership, then.figures, releases)
        for key in then.figures:
            now, before = seen.get(key), earlier.get(key)
            if now and before and (now.value, now.release) == (before.value, before.release):
                found.add(key)
    return found


def _observed(
    partnership: Partnership, keys: frozenset[Key], releases: QuerySet[Release]
) -> dict[Key, Observation]:
    if not keys:
        return {}
    elements = {e for e, _, _ in keys}
    areas = {a for _, a, _ in keys}
    return observations(elements, areas, partnership=partnership, releases=releases)


class Revisions(Mapping[str, list[tuple[str, str]]]):
    """Each period's earlier releases as (figure as shown, release), worked out for a period
    when it is first asked for: the indicator's page shows them, and the dashboard, which shows
    many indicators, none."""

    def __init__(
        self, indicator: Indicator, points: list[Point], *, exact: bool, linked: bool
    ) -> None:
        self._indicator = indicator
        self._points = {p.period: p for p in points}
        self._exact = exact
        self._linked = linked
        self._shown: dict[str, list[tuple[str, str]]] = {}

    def __getitem__(self, period: str) -> list[tuple[str, str]]:
        if period not in self._shown:
            point = self._points[period]
            denominator = point.denominator.value if point.denominator else None
            earlier = point.numerator.earlier if point.numerator else []
            self._shown[period] = [
                (
                    disclosure.SUPPRESSED
                    if not self._exact
                    and (self._linked or value_withheld(self._indicator, old, denominator))
                    else _figure(old),
                    release,
                )
                for old, release in earlier
            ]
        return self._shown[period]

    def __iter__(self) -> Iterator[str]:
        return iter(self._points)

    def __len__(self) -> int:
        return len(self._points)


@dataclass
class Shown(Analysis):
    """An analysis as one audience sees it: ``withheld`` holds the periods shown as ``[c]``,
    ``revisions`` each period's earlier releases as (figure as shown, release)."""

    withheld: set[str] = field(default_factory=set)
    hidden_denominators: set[str] = field(default_factory=set)
    revisions: Mapping[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        return None if self.withheld else super().change

    @property
    def spark(self) -> str:
        return "" if self.withheld else super().spark


def _figure(value: float) -> str:
    return str(floatformat(value, -2))


def for_audience(analysis: Analysis, *, exact: bool, withheld: Withheld | None = None) -> Shown:
    """The analysis as an audience sees it. ``withheld`` is ``withheld_figures`` of the
    indicator's partnership (worked out here when not given)."""
    indicator = analysis.indicator
    copied: dict[str, Any] = {f.name: getattr(analysis, f.name) for f in fields(Analysis)}
    shown = Shown(**copied)
    if not exact and withheld is None:
        withheld = withheld_figures(indicator.partnership)
    linked = withheld is not None and bool(
        {indicator.numerator_id, indicator.denominator_id} & withheld.linked
    )
    shown.revisions = Revisions(indicator, analysis.points, exact=exact, linked=linked)
    if exact or withheld is None or not withheld.touches(indicator):
        return shown
    shown.withheld = {p.period for p in analysis.points if withheld.point(indicator, p)}
    shown.hidden_denominators = {
        p.period for p in analysis.points if withheld.denominator(indicator, p)
    }
    if shown.withheld:
        # No earlier release's figure either, for any period, as the page shows none: what a
        # later release withheld, an earlier one must not give back beside it.
        shown.revisions = Revisions(analysis.indicator, analysis.points, exact=False, linked=True)
        shown.finding = WITHHELD_FINDING
        shown.chart_finding = ""
        shown.chart = None
        shown.mdc = None
        shown.mdc_finding = ""
        shown.variation = None
        shown.assurance = None
        shown.explanation = ""
        shown.split_after = None
    return shown


def shown_series(
    user: AnyUser,
    indicator: Indicator,
    *,
    with_chart: bool = False,
    split_on: Any = None,
    inspected_on: Any = None,
) -> Shown:
    """The indicator's figures for its own area as ``user`` is shown them on its page, in its
    download and through the API: exact for those who read the evidence, otherwise with what
    the partnership's viewers may not see withheld. ``indicator`` was read through the user's
    scope (``queries.indicator_for``). ``with_chart``, ``split_on`` and ``inspected_on`` are
    ``queries.analyse``'s: the chart too, split at a date, the finding since an inspection."""
    partnership = indicator.partnership
    exact = can(user, partnership, Capability.READ_EVIDENCE)
    return as_shown(
        partnership,
        lambda withheld: for_audience(
            queries.analyse(
                indicator, with_chart=with_chart, split_on=split_on, inspected_on=inspected_on
            ),
            exact=exact,
            withheld=withheld,
        ),
        exact=exact,
    )


def compared_as_shown(
    indicator: Indicator, analysis: Shown, withheld: Withheld | None
) -> Benchmark | None:
    """The indicator's comparison with other areas as the audience of ``analysis`` sees it on
    the indicator's page: none at all when any of its own figures is withheld from them (its
    neighbours could give it away), else with the other areas' withheld figures left out."""
    if analysis.withheld:
        return None
    point_of = None if withheld is None else partial(withheld.point_of, indicator)
    return benchmark(indicator, withheld=point_of)


def shown_comparison(user: AnyUser, indicator: Indicator) -> Benchmark | None:
    """The indicator's comparison with other areas as ``user`` is shown it on its page
    (``compared_as_shown``); ``indicator`` was read through the user's scope."""
    partnership = indicator.partnership
    exact = can(user, partnership, Capability.READ_EVIDENCE)

    def read(withheld: Withheld | None) -> Benchmark | None:
        shown = for_audience(
            queries.analyse(indicator, with_chart=False), exact=exact, withheld=withheld
        )
        return compared_as_shown(indicator, shown, withheld)

    return as_shown(partnership, read, exact=exact)
