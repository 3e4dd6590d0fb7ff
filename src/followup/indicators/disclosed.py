"""What an audience sees of an indicator's figures: the rule published reports use, on pages and
downloads too.

A figure is withheld (``[c]``) when it is a small count, or a rate whose numerator is a small
count or whose numerator falls 1 to the threshold short of its denominator
(``followup.core.disclosure.rate_withheld``). A measure with any withheld figure has no chart,
no statistical finding, no Making Data Count result, no change and no comparison with other
areas for those who may not see small counts, since its centre line, limits and neighbours could
give the figure away. Earlier releases' figures are withheld by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.template.defaultfilters import floatformat

from followup.core import disclosure
from followup.indicators.models import Indicator
from followup.indicators.queries import Analysis
from followup.indicators.values import Point

WITHHELD_FINDING = (
    "Some figures are small counts and are withheld ([c]), so no chart or statistical finding "
    "is given for this measure."
)


def is_count(indicator: Indicator) -> bool:
    return indicator.denominator_id is None and indicator.factor == 1


def value_withheld(indicator: Indicator, value: float | None, denominator: float | None) -> bool:
    """Whether a figure (a count's value, or a rate's numerator with its denominator) is withheld."""
    if value is None:
        return False
    if indicator.denominator_id is not None:
        return disclosure.rate_withheld(value, denominator)
    return (
        is_count(indicator) and float(value).is_integer() and disclosure.is_disclosive(int(value))
    )


def point_withheld(indicator: Indicator, point: Point) -> bool:
    if point.value is None:
        return False
    if indicator.denominator_id is not None:
        numerator = point.numerator.value if point.numerator else None
        denominator = point.denominator.value if point.denominator else None
        return value_withheld(indicator, numerator, denominator)
    return value_withheld(indicator, point.value, None)


@dataclass
class Shown(Analysis):
    """An analysis as one audience sees it: ``withheld`` holds the periods shown as ``[c]``,
    ``revisions`` each period's earlier releases as (figure as shown, release)."""

    withheld: set[str] = field(default_factory=set)
    revisions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        return None if self.withheld else super().change

    @property
    def spark(self) -> str:
        return "" if self.withheld else super().spark


def _figure(value: float) -> str:
    return str(floatformat(value, -2))


def for_audience(analysis: Analysis, *, exact: bool) -> Shown:
    indicator = analysis.indicator
    copied: dict[str, Any] = {f.name: getattr(analysis, f.name) for f in fields(Analysis)}
    shown = Shown(**copied)
    for point in analysis.known:
        denominator = point.denominator.value if point.denominator else None
        earlier = point.numerator.earlier if point.numerator else []
        shown.revisions[point.period] = [
            (
                disclosure.SUPPRESSED
                if not exact and value_withheld(indicator, old, denominator)
                else _figure(old),
                release,
            )
            for old, release in earlier
        ]
    if exact:
        return shown
    shown.withheld = {p.period for p in analysis.known if point_withheld(indicator, p)}
    if shown.withheld:
        shown.finding = WITHHELD_FINDING
        shown.chart = None
        shown.mdc = None
        shown.mdc_finding = ""
        shown.variation = None
        shown.assurance = None
        shown.explanation = ""
        shown.split_after = None
    return shown
