"""Every read of indicators, scoped to what the user may see, and the figures pages show."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import numpy as np
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from followup.indicators import findings
from followup.indicators.charts import EXPLANATIONS, choose_chart, sparkline
from followup.indicators.funnel import funnel, left_out
from followup.indicators.models import (
    DataElement,
    ImportUpload,
    Indicator,
    Release,
    staged_name,
)
from followup.indicators.scope import visible_elements
from followup.indicators.values import Point, comparison, many_series, series
from followup.lib import storedfiles
from followup.lib.dates import period as period_words
from followup.lib.tabular import TableError, staged_table
from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Area, Partnership
from followup.spc import control_chart, describe_chart, describe_mdc, making_data_count
from followup.spc.describe import NO_SIGNAL
from followup.spc.mdc import MakingDataCount, making_data_count_rows
from followup.spc.qic import ControlChart

SCOTLAND = "S92000003"
VARIATION_TEXT = {
    "common_cause": "Common cause variation (no significant change)",
    "special_cause_improvement": "Special cause variation (improvement)",
    "special_cause_concern": "Special cause variation (concern)",
    "special_cause_neutral_high": "Special cause variation (higher than usual)",
    "special_cause_neutral_low": "Special cause variation (lower than usual)",
}
VARIATION_TEXT["too_few"] = "Too few figures to judge"
ASSURANCE_TEXT = {
    "consistent_pass": "Will consistently meet the target",
    "consistent_fail": "Will consistently miss the target",
    "inconsistent": "Will sometimes meet and sometimes miss the target",
}


# The fewest figures with which each chart's rules can show a change: with fewer, a finding says
# there are too few to judge, never "no signal". I charts and Making Data Count's XmR charts: a
# point can fall outside limits of mean ± 2.66 × the average moving range only when
# (n − 1)²/n > 2.66, from 5 figures (and their runs, shifts and trends need 6 or 7). A run
# chart's Anhøj rules first fire at 10 figures: fewer than 2 crossings of the median in 10
# (docs/spc.md). A P, U or C chart's limits come from the counts, so 2 figures can differ by
# more than chance; Laney's P′ and U′ limits also scale with the figures' moving ranges: none
# was found to signal with fewer than 4. A finding is called too few only where the rules found
# nothing, so a signal is never hidden.
FEWEST_FIGURES = {"run": 10, "i": 5, "mr": 5, "c": 2, "p": 2, "u": 2, "pp": 4, "up": 4}
MDC_FEWEST_FIGURES = 5


def too_few(count: int, needed: int, rules: str = "this chart's rules") -> str:
    """The finding for a series shorter than its rules need."""
    have = (
        "there is only one figure so far"
        if count == 1
        else f"there are only {count:,} figures so far"
    )
    return (
        f"Too few figures to judge: {have}, and {rules} can show a change only from {needed} "
        "figures on."
    )


def indicators_of(partnership: Partnership) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(partnership=partnership)
        .select_related("numerator", "denominator", "area")
        .prefetch_related("recommendations", "quality_indicators")
    )


def indicator_for(user: AnyUser, slug: str, pk: int) -> Indicator:
    partnership = partnership_for(user, slug)
    return get_object_or_404(indicators_of(partnership), pk=pk)


@dataclass
class Analysis:
    indicator: Indicator
    points: list[Point]
    chart_type: str
    explanation: str
    chart: ControlChart | None
    finding: str  # the one sentence a lead officer reads (``findings.sentence``)
    mdc: MakingDataCount | None
    mdc_finding: str
    variation: str | None
    assurance: str | None
    split_after: int | None = None
    known: list[Point] = field(default_factory=list)
    chart_finding: str = ""  # the chart's own finding, in statistical terms

    @property
    def latest(self) -> Point | None:
        return self.known[-1] if self.known else None

    @property
    def previous(self) -> Point | None:
        return self.known[-2] if len(self.known) > 1 else None

    @property
    def change(self) -> float | None:
        if (
            self.latest is None
            or self.previous is None
            or self.latest.value is None
            or self.previous.value is None
        ):
            return None
        return self.latest.value - self.previous.value

    @property
    def spark(self) -> str:
        return sparkline([p.value for p in self.points])


def analyse(
    indicator: Indicator,
    *,
    split_on: Any = None,
    points: list[Point] | None = None,
    with_chart: bool = True,
    mdc: MakingDataCount | None = None,
    inspected_on: datetime.date | None = None,
) -> Analysis:
    """The indicator's series, its chart from followup.spc, and the plain-language findings:
    the sentence (change since the inspection published ``inspected_on``, or since the first
    figure) and the statistical terms behind it.

    Without ``with_chart`` only the Making Data Count summary is computed (what the dashboard shows).
    """
    points = series(indicator) if points is None else points
    known = [p for p in points if p.value is not None]
    chart_type = choose_chart(indicator, points)
    values = [p.value for p in known]
    split_after = None
    if split_on is not None:
        before = sum(1 for p in known if p.end <= split_on)
        split_after = before if 0 < before < len(known) else None
    chart = finding = None
    if known and with_chart:
        if chart_type in {"p", "pp", "u", "up"} and indicator.denominator_id:
            nums = [p.numerator.value if p.numerator else None for p in known]
            dens = [p.denominator.value if p.denominator else None for p in known]
            scale = indicator.factor
            chart = control_chart(nums, dens, chart=chart_type, part=split_after, screened_mr=True)
            chart.per_point.y_plotted = chart.per_point.y_plotted * scale
            for name in ("cl", "lcl", "ucl", "lcl_95", "ucl_95"):
                setattr(chart.per_point, name, getattr(chart.per_point, name) * scale)
        else:
            chart = control_chart(values, chart=chart_type, part=split_after, screened_mr=True)
        finding = describe_chart(
            chart, measure="figure", improvement_direction=indicator.improvement_direction
        )
        needed = FEWEST_FIGURES.get(chart_type, 2)
        if len(known) < needed and finding == NO_SIGNAL:
            finding = too_few(len(known), needed)
    if mdc is None and known:
        mdc = making_data_count(
            values,
            [p.start.isoformat() for p in known],
            improvement_direction=indicator.improvement_direction,
            target=indicator.target,
        )
    mdc_finding = describe_mdc(mdc, measure="figure") if mdc else "No data yet."
    variation = mdc.variation_icon if mdc else None
    assurance = mdc.assurance_icon if mdc else None
    if mdc is not None and len(known) < MDC_FEWEST_FIGURES and variation == "common_cause":
        mdc_finding = too_few(len(known), MDC_FEWEST_FIGURES, "its rules")
        variation, assurance = "too_few", None
    return Analysis(
        indicator=indicator,
        points=points,
        chart_type=chart_type,
        explanation=EXPLANATIONS.get(chart_type, ""),
        chart=chart,
        finding=findings.sentence(
            [
                findings.Figure(p.period, float(p.value), p.end)
                for p in known
                if p.value is not None
            ],
            mdc,
            direction=indicator.improvement_direction,
            target=indicator.target,
            inspected_on=inspected_on,
        ),
        chart_finding=finding or "",
        mdc=mdc,
        mdc_finding=mdc_finding,
        variation=variation,
        assurance=assurance,
        split_after=split_after,
        known=known,
    )


@dataclass
class Benchmark:
    """The indicator beside other areas at one period. It exists only where some other area has
    a figure: a comparison is stated only when there is something to compare with."""

    period: str
    own: Point | None
    country: Point | None
    group_name: str
    group: list[tuple[Area, Point]]
    funnel: Any = None
    # Why there is no funnel when a figure is past the bounds its limits take (else "").
    funnel_left_out: str = ""
    own_latest: str = ""
    # What the pages call the indicator's area: "this partnership" when it is the partnership's
    # own area, otherwise the area's name (an indicator may follow another area).
    own_label: str = "this partnership"
    # Areas whose figure the audience may not see: listed as withheld ([c]), never ranked.
    withheld: list[Area] = field(default_factory=list)
    country_withheld: bool = False
    # The code of the indicator's area, whose mark is its own on the funnel.
    own_code: str = ""

    @property
    def listed(self) -> int:
        return len(self.group) + len(self.withheld)

    @property
    def table(self) -> list[dict[str, Any]]:
        """Every area's row for the table that goes with the funnel: its figure, count and
        number counted, and where it lies against the 95% and 99.8% limits ("Not in the funnel"
        when it is not); then the withheld areas, flagged, with none of their figures."""
        placed = {a.code: a for a in self.funnel.areas} if self.funnel is not None else {}
        rows: list[dict[str, Any]] = []
        for area, point in self.group:
            spot = placed.get(area.code)
            rows.append(
                {
                    "area": area,
                    "withheld": False,
                    "value": point.value,
                    "numerator": point.numerator.value if point.numerator else None,
                    "denominator": point.denominator.value if point.denominator else None,
                    "position95": spot.position95.capitalize() if spot else "Not in the funnel",
                    "position998": spot.position.capitalize() if spot else "Not in the funnel",
                }
            )
        return rows + [{"area": area, "withheld": True} for area in self.withheld]

    @property
    def funnel_finding(self) -> str:
        if self.funnel is None or self.own is None:
            return ""
        mine = next(
            (
                a
                for a in self.funnel.areas
                if (a.code == self.own_code if self.own_code else a.value == self.own.value)
            ),
            None,
        )
        if mine is None:
            return ""
        who = self.own_label[:1].upper() + self.own_label[1:]
        chance = (
            "chance and the usual differences between councils"
            if getattr(self.funnel, "widened", False)
            else "chance"
        )
        return {
            "within": f"{who} lies within the funnel: its difference from the other areas is what {chance} would give for its size.",
            "above": f"{who} lies above the funnel's upper limit: higher than the other areas by more than {chance} would give for its size.",
            "below": f"{who} lies below the funnel's lower limit: lower than the other areas by more than {chance} would give for its size.",
        }[mine.position]

    @property
    def funnel_method_text(self) -> str:
        """Which limits, whether they were widened, what is compared and what outside means."""
        if self.funnel is None:
            return ""
        others = sum(1 for a in self.funnel.areas if a.code != self.own_code)
        return (
            f"{self.funnel.limits_text} The funnel compares the {others} other areas with a "
            f"figure in ‘{self.group_name}’. {self.funnel.dispersion_text} "
            f"{self.funnel.meaning_text}"
        )

    @property
    def rank(self) -> int | None:
        """The own figure's place in its group, only when the group has another figure."""
        if self.own is None or self.own.value is None or len(self.group) < 2:
            return None
        return 1 + sum(1 for _, p in self.group if p.value is not None and p.value > self.own.value)

    @property
    def rank_text(self) -> str:
        """The own figure's place among the areas of its group that have a figure for the
        period, in words: "the 13th highest of the 32 areas in ‘All 32 Scottish councils’ with
        a figure for 2020-07-31"."""
        rank = self.rank
        if rank is None:
            return ""
        count = len(self.group)
        if rank == 1:
            place = "the highest"
        elif rank == count:
            place = "the lowest"
        else:
            suffix = (
                "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
            )
            place = f"the {rank}{suffix} highest"
        return (
            f"{place} of the {count} areas in ‘{self.group_name}’ with a figure for "
            f"{period_words(self.period)}"
        )

    @property
    def later_own_figures(self) -> bool:
        """Whether the own series goes on past the compared period (no other area has a figure
        for its later periods yet)."""
        return bool(self.own_latest) and self.own_latest != self.period


def benchmark(
    indicator: Indicator,
    *,
    withheld: Callable[[int, Point], bool] | None = None,
    releases: QuerySet[Release] | None = None,
) -> Benchmark | None:
    """The value beside Scotland's and every area of the own area's groups, at the latest period
    of the own series for which one of them has a figure too; None when none ever has.

    ``withheld(area, point)`` says which areas' figures an audience may not see (viewers': see
    ``indicators.disclosed``): those are listed as withheld, not ranked and left out of the
    funnel; and Scotland's figure, the sum of its councils', is withheld with any of them."""
    groups = list(indicator.area.groups.all())
    areas = list(Area.objects.filter(groups__in=groups).distinct()) if groups else []
    scotland = Area.objects.filter(code=SCOTLAND).first()
    ids = [a.pk for a in areas] + ([scotland.pk] if scotland else [])
    compared = comparison(indicator, ids, releases=releases)
    if compared is None:
        return None
    own, latest, own_latest = compared
    hidden = {pk for pk, point in latest.items() if withheld is not None and withheld(pk, point)}
    ranked = sorted(
        ((a, latest[a.pk]) for a in areas if a.pk in latest and a.pk not in hidden),
        key=lambda item: -(item[1].value or 0),
    )
    chart = None
    funnel_left_out = ""
    if indicator.denominator_id:
        rows = [
            (a.code, a.name, p.numerator.value, p.denominator.value)
            for a, p in ranked
            if p.numerator is not None and p.denominator is not None
        ]
        proportion = indicator.factor in (1, 100) and indicator.numerator.is_count
        funnel_left_out = left_out(rows)
        if not funnel_left_out:
            chart = funnel(
                rows,
                factor=indicator.factor,
                proportion=proportion,
                method=indicator.funnel_method,
            )
    country = latest.get(scotland.pk) if scotland and scotland.pk != indicator.area_id else None
    return Benchmark(
        period=own.period,
        own=own,
        country=country,
        group_name=", ".join(g.name for g in groups),
        group=ranked,
        funnel=chart,
        funnel_left_out=funnel_left_out,
        own_latest=own_latest,
        own_label="this partnership"
        if indicator.area_id == indicator.partnership.area_id
        else indicator.area.name,
        withheld=sorted((a for a in areas if a.pk in hidden), key=lambda a: a.name),
        country_withheld=country is not None and bool(hidden),
        own_code=indicator.area.code,
    )


def upload_for(user: AnyUser, slug: str, pk: int) -> ImportUpload:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        ImportUpload.objects.select_related("partnership"), pk=pk, partnership=partnership
    )


def upload_rows(upload: ImportUpload) -> int:
    """How many rows a staged upload holds (0 when it cannot be read: its preview says why)."""
    try:
        return len(staged_table(storedfiles.read_bytes(upload.data), upload.filename).rows)
    except (TableError, ValueError, FileNotFoundError):
        return 0


_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def upload_token(upload: ImportUpload) -> str:
    """The random part of a staged upload's stored name: what a form carries to refer to a
    file kept across a failed check, without the guessable id."""
    return PurePosixPath(upload.data.name or "").stem


def kept_upload(partnership: Partnership, token: str) -> ImportUpload | None:
    """The partnership's staged, not yet imported upload this token names (``upload_token``);
    None for any other token. Call only with a partnership from ``partnership_for``."""
    if not _TOKEN.match(token):
        return None
    return ImportUpload.objects.filter(
        partnership=partnership,
        applied_at__isnull=True,
        data=staged_name(partnership.pk, token),
    ).first()


def data_elements_of(partnership: Partnership) -> QuerySet[DataElement]:
    """The data elements a partnership's files may name: the official ones and its own."""
    return visible_elements(partnership).order_by("code", "partnership_id", "pk")


def indicators_for(
    user: AnyUser,
    slug: str,
    *,
    recommendation: int | None = None,
    qi: int | None = None,
    area: str = "",
) -> QuerySet[Indicator]:
    """The partnership's indicators by name (ties by id), narrowed as the dashboard narrows
    them: to those of a recommendation or a quality indicator (ids); and to those measured
    for an area (its code)."""
    indicators = indicators_of(partnership_for(user, slug))
    if area:
        indicators = indicators.filter(area__code=area)
    if recommendation is not None:
        indicators = indicators.filter(recommendations__pk=recommendation)
    if qi is not None:
        indicators = indicators.filter(quality_indicators__pk=qi)
    return indicators.distinct().order_by("name", "pk")


def releases_of(user: AnyUser, slug: str) -> QuerySet[Release]:
    """The releases a partnership's figures may come from: official ones and its own, never
    another partnership's; the latest published first, ties by id."""
    from followup.indicators.scope import visible_releases

    partnership = partnership_for(user, slug)
    return visible_releases(partnership).order_by(F("published_on").desc(nulls_last=True), "-pk")


def data_element_for(user: AnyUser, slug: str, pk: int) -> DataElement:
    partnership = partnership_for(user, slug)
    return get_object_or_404(data_elements_of(partnership), pk=pk)


@dataclass
class RuleReport:
    rule: Any
    violations: list[Any]


def data_quality(partnership: Partnership) -> list[RuleReport]:
    """Each rule that applies to the partnership, with where the latest figures it may see
    break it."""
    from django.db.models import Q

    from followup.indicators.models import ValidationRule
    from followup.indicators.rules import check, elements_of
    from followup.indicators.scope import elements_by_code
    from followup.indicators.values import observations

    rules = list(
        ValidationRule.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
    )
    codes = set().union(*(elements_of(r) for r in rules)) if rules else set()
    elements = {e.pk: e.code for code, e in elements_by_code(partnership).items() if code in codes}
    areas = {a.pk: a.code for a in Area.objects.all()}
    cells: dict[tuple[str, str], dict[str, float]] = {}
    seen = observations(elements, areas, partnership=partnership)
    for (element, area, period), value in seen.items():
        cells.setdefault((areas[area], period), {})[elements[element]] = value.value
    return [RuleReport(rule, check([rule], cells)) for rule in rules]


def dashboard(
    indicators: list[Indicator], inspected_on: datetime.date | None = None
) -> list[Analysis]:
    """What the dashboard shows for every indicator: latest figure, change, Making Data Count
    (from each figure's latest release: the dashboard shows no earlier ones).

    Indicators that share their periods and options are charted together, in one batch.
    """
    all_points = many_series(indicators, latest_only=True)
    groups: dict[tuple[Any, ...], list[Indicator]] = {}
    for i in indicators:
        known = [p for p in all_points[i.pk] if p.value is not None]
        if known:
            key = (tuple(p.start for p in known), i.improvement_direction, i.target)
            groups.setdefault(key, []).append(i)
    charts: dict[int, MakingDataCount] = {}
    for (starts, direction, target), members in groups.items():
        matrix = np.array(
            [[p.value for p in all_points[i.pk] if p.value is not None] for i in members],
            dtype=float,
        )
        results = making_data_count_rows(
            matrix, [d.isoformat() for d in starts], improvement_direction=direction, target=target
        )
        charts.update({i.pk: r for i, r in zip(members, results, strict=True)})
    return [
        analyse(
            i,
            points=all_points[i.pk],
            with_chart=False,
            mdc=charts.get(i.pk),
            inspected_on=inspected_on,
        )
        for i in indicators
    ]


def releases_behind(partnership: Partnership, indicators: list[Indicator]) -> QuerySet[Release]:
    """The releases the partnership's figures for these indicators come from: official ones and
    its own, never another partnership's; a derived element's through its parts."""
    from followup.indicators import derived
    from followup.indicators.scope import releases_used, visible_elements

    ids = {i.numerator_id for i in indicators} | {
        i.denominator_id for i in indicators if i.denominator_id
    }
    elements = list(visible_elements(partnership).filter(pk__in=ids))
    formulas = derived.parts(e for e in elements if e.formula)
    ids = {e.pk for e in elements if not e.formula} | {
        p.pk for terms in formulas.values() for _, p, _ in terms if p is not None
    }
    return releases_used(partnership, ids, {i.area_id for i in indicators})
