"""Findings in words a lead officer uses: one sentence per indicator, from the statistics.

The sentence says the direction and size of the change since the inspection (or since the
first figure), whether the Making Data Count rules see a real change or ordinary variation
(and, for a real change, why, in plain words), whether that is an improvement or a concern,
and where there is a target, whether it is met. For example: "Down from 29 to 21 since the
inspection in 2016: a real fall, not ordinary variation (the last 7 figures are all below the
usual level); lower is better, so this is an improvement."

The statistical terms (common cause, special cause, the chart's own finding) are kept apart
(``Analysis.mdc_finding``, ``Analysis.chart_finding``) for the pages' "In statistical terms"
details. A series with a withheld figure gets no sentence from here: ``disclosed.for_audience``
replaces it with one that uses nothing of the figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from followup.lib.dates import period as period_words
from followup.spc.mdc import MakingDataCount

# The fewest figures with which Making Data Count's rules can show a change (queries explains).
FEWEST = 5


@dataclass(frozen=True)
class Figure:
    """One known figure of a series: its period id and value."""

    period: str
    value: float
    end: datetime.date


def number(value: float) -> str:
    """A figure as the pages show it: at most two decimals, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _baseline(figures: Sequence[Figure], inspected_on: datetime.date | None) -> Figure | None:
    """The figure the inspection saw: the last one for a period that ended by its publication."""
    if inspected_on is None:
        return None
    before = [f for f in figures if f.end <= inspected_on]
    return before[-1] if before else None


def _when(period: str) -> str:
    """ "on 31 July 2020" for a day, "in 2019-20" for any longer period."""
    words = period_words(period)
    return f"on {words}" if words[:1].isdigit() and " " in words else f"in {words}"


def _change(figures: Sequence[Figure], inspected_on: datetime.date | None) -> tuple[str, int]:
    """The change clause and its side (+1 up, −1 down, 0 the same)."""
    latest = figures[-1]
    base = _baseline(figures, inspected_on)
    year = inspected_on.year if inspected_on else None
    if base is latest:
        return (
            f"The latest figure, {number(latest.value)} for {period_words(latest.period)}, is "
            f"from before the inspection in {year}",
            0,
        )
    if base is None:
        base = figures[0]
        since = None
    else:
        since = f"since the inspection in {year}"
    a, b = number(base.value), number(latest.value)
    if a == b:
        if since:
            return f"The same as at the inspection in {year}, at {b}", 0
        return (
            f"The same {_when(latest.period)} as {_when(base.period)}, at {b}",
            0,
        )
    side = 1 if latest.value > base.value else -1
    word = "Up" if side > 0 else "Down"
    if since:
        return f"{word} from {a} to {b} {since}", side
    return (
        f"{word} from {a} {_when(base.period)} to {b} {_when(latest.period)}",
        side,
    )


def _run_length(labels: Sequence[str | None], last: int) -> int:
    length = 1
    while last - length >= 0 and labels[last - length] == labels[last]:
        length += 1
    return length


def _trailing_side(signs: Sequence[int | None], last: int) -> tuple[int, int]:
    useful = [s for s in signs[: last + 1] if s]
    if not useful:
        return 0, 0
    side, length = useful[-1], 0
    for sign in reversed(useful):
        if sign != side:
            break
        length += 1
    return side, length


def _special(mdc: MakingDataCount, last: int) -> tuple[int, str]:
    """The side (+1 higher, −1 lower) of the signal at the last figure, and why, in words."""
    points = mdc.per_point
    label = points.special_cause_type[last] or ""
    if label in {"Above UCL", "Below LCL"}:
        side = 1 if label == "Above UCL" else -1
        return side, f"the latest figure is {'above' if side > 0 else 'below'} the usual range"
    if label.startswith("7 Point Trend"):
        side = 1 if "Increasing" in label else -1
        moved = "risen" if side > 0 else "fallen"
        length = _run_length(points.special_cause_type, last)
        return side, f"the figures have {moved} steadily over the last {length} periods"
    if label.startswith("2 in 3"):
        side = 1 if "Above" in label else -1
        edge = "top" if side > 0 else "bottom"
        return side, f"two of the last three figures are near the {edge} of the usual range"
    side, length = _trailing_side(points.relative_to_mean, last)
    where = "above" if side > 0 else "below"
    return side, f"the last {length} figures are all {where} the usual level"


def _outlier(mdc: MakingDataCount, periods: Sequence[str], last: int) -> str:
    """An earlier figure that stood out (an astronomical point), when the latest does not."""
    points = mdc.per_point
    group = points.rebase_group[last]
    for i in range(last - 1, -1, -1):
        if points.rebase_group[i] == group and points.outside_limits[i]:
            high = (points.relative_to_mean[i] or 0) > 0
            return (
                f", though the figure for {period_words(periods[i])} stood out as unusually "
                f"{'high' if high else 'low'}"
            )
    return ""


def _verdict(side: int, direction: str) -> str:
    if direction == "neutral":
        return "; neither higher nor lower is better for this measure"
    good = (side > 0) == (direction == "increase")
    better = "higher" if direction == "increase" else "lower"
    return f"; {better} is better, so this is {'an improvement' if good else 'a concern'}"


def _target(latest: float, target: float, direction: str, assurance: str | None) -> str:
    shown = number(target)
    if direction == "neutral":
        text = f"; the target is {shown}"
    else:
        met = latest >= target if direction == "increase" else latest <= target
        text = f"; the target of {shown} is {'met' if met else 'not met'}"
    return text + {
        "consistent_pass": ", and at this level of variation it will be met every time",
        "consistent_fail": ", and at this level of variation it will be missed every time unless things change",
        "inconsistent": ", and at this level of variation it will be met some of the time and missed some of the time",
        None: "",
    }.get(assurance, "")


def sentence(
    figures: Sequence[Figure],
    mdc: MakingDataCount | None,
    *,
    direction: str,
    target: float | None,
    inspected_on: datetime.date | None,
) -> str:
    """The one-sentence finding for a series of known figures (oldest first) and its Making
    Data Count result (``None`` only when there is no figure)."""
    if not figures:
        return "There are no figures yet."
    latest = figures[-1]
    if len(figures) == 1:
        text = (
            f"Only one figure so far, {number(latest.value)} for {period_words(latest.period)}: "
            "too few to tell a real change from ordinary variation"
        )
        assurance = None
    else:
        change, moved = _change(figures, inspected_on)
        text = change + _signal(figures, mdc, moved, direction)
        assurance = mdc.assurance_icon if mdc is not None and len(figures) >= FEWEST else None
    if target is not None:
        text += _target(latest.value, target, direction, assurance)
    return text[0].upper() + text[1:] + "."


def _signal(
    figures: Sequence[Figure], mdc: MakingDataCount | None, moved: int, direction: str
) -> str:
    """What the rules see at the latest figure, after the change clause."""
    last = len(figures) - 1
    kind = mdc.per_point.point_type[last] if mdc is not None else None
    if mdc is None or kind is None or kind == "common_cause":
        if len(figures) < FEWEST:
            return (
                f": too few figures yet ({len(figures)}) to tell a real change from ordinary "
                "variation"
            )
        periods = [f.period for f in figures]
        outlier = "" if mdc is None else _outlier(mdc, periods, last)
        return f": within ordinary variation, not a real change{outlier}"
    side, why = _special(mdc, last)
    change = "rise" if side > 0 else "fall"
    if side == moved:
        text = f": a real {change}, not ordinary variation ({why})"
    else:
        text = f", but the recent figures show a real {change}, not ordinary variation ({why})"
    return text + _verdict(side, direction)
