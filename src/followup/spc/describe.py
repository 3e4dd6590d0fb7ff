"""Plain-language findings for people who do not read SPC charts.

Each function returns one or two sentences in plain British English, saying whether the chart
shows a signal, what kind, and (given an improvement direction) whether it counts as improvement.
"""

from __future__ import annotations

import math

import numpy as np

from followup.spc.mdc import MakingDataCount
from followup.spc.qic import ControlChart

NO_SIGNAL = "No signal: the variation is what this process usually shows."


def _verdict(side: int, direction: str) -> str:
    if direction == "neutral" or side == 0:
        return ""
    good = (side > 0) == (direction == "increase")
    return f", and the direction counts as {'improvement' if good else 'concern'}"


def _points(k: int) -> str:
    return f"{k} point" if k == 1 else f"{k} points"


def _times(k: int) -> str:
    return "once" if k == 1 else f"{k} times"


def _number(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _trailing_run(signs: list[int]) -> tuple[int, int]:
    """Side and length of the run of equal non-zero signs at the end (points on the line skipped)."""
    useful = [s for s in signs if s != 0]
    if not useful:
        return 0, 0
    side, length = useful[-1], 0
    for sign in reversed(useful):
        if sign != side:
            break
        length += 1
    return side, length


def describe_chart(
    result: ControlChart, *, measure: str = "value", improvement_direction: str = "neutral"
) -> str:
    """One finding for the latest part of a run or control chart."""
    points = result.per_point
    if not result.parts:
        return "No data to chart yet."
    last_part = result.parts[-1]
    rows = np.flatnonzero(
        (points.part == last_part.part) & points.include & ~np.isnan(points.y_plotted)
    )
    if rows.size == 0:
        return "No data to chart yet."
    centre = "median" if result.chart == "run" else "average"
    latest = int(rows[-1])
    if points.sigma_signal[latest]:
        side = 1 if points.y_plotted[latest] > points.ucl[latest] else -1
        where = "above the upper" if side > 0 else "below the lower"
        return (
            f"The latest {measure} is {where} control limit: a special cause, not ordinary "
            f"variation{_verdict(side, improvement_direction)}."
        )
    if last_part.runs_signal and last_part.longest_run is not None:
        signs = [
            int(s) for s in np.sign(points.y_plotted[rows] - points.cl[rows]) if not math.isnan(s)
        ]
        side, length = _trailing_run(signs)
        assert last_part.longest_run_max is not None and last_part.n_crossings_min is not None
        if length > last_part.longest_run_max:
            where = "above" if side > 0 else "below"
            return (
                f"The {measure} has been {where} its {centre} for the last {_points(length)}: "
                f"a shift{_verdict(side, improvement_direction)}."
            )
        if last_part.longest_run > last_part.longest_run_max:
            return (
                f"A run of {_points(last_part.longest_run)} on one side of the {centre} (more than the "
                f"{last_part.longest_run_max} chance allows) shows the process shifted during this period."
            )
        return (
            f"The {measure} crossed its {centre} only {_times(last_part.n_crossings or 0)} in "
            f"{_points(last_part.n_useful)} (chance would give at least {last_part.n_crossings_min}): "
            "the process has shifted or drifted."
        )
    outside = int(np.count_nonzero(points.sigma_signal[rows]))
    if outside:
        return (
            f"{_points(outside).capitalize()} fell outside the control limits earlier in this period; "
            f"the latest {measure} is within them."
        )
    return NO_SIGNAL


def describe_mdc(result: MakingDataCount, *, measure: str = "value") -> str:
    """One finding for a Making Data Count chart, with the assurance against any target."""
    points = result.per_point
    present = [i for i, t in enumerate(points.point_type) if t is not None]
    if not present:
        return "No data to chart yet."
    last = present[-1]
    label = points.special_cause_type[last] or "Common Cause"
    kind = points.point_type[last] or "common_cause"
    if kind.endswith("improvement"):
        verdict = ", and the direction counts as improvement"
    elif kind.endswith("concern"):
        verdict = ", and the direction counts as concern"
    else:
        verdict = ""
    if label == "Common Cause":
        text = NO_SIGNAL
    elif label in {"Above UCL", "Below LCL"}:
        where = "above the upper" if label == "Above UCL" else "below the lower"
        text = f"The latest {measure} is {where} process limit: special cause variation{verdict}."
    elif label.startswith("7 Point Trend"):
        length = 1
        step = 1 if "Increasing" in label else -1
        types = points.special_cause_type
        while last - length >= 0 and types[last - length] == label:
            length += 1
        moved = "risen" if step > 0 else "fallen"
        text = f"The {measure} has {moved} for {length} points in a row: a trend{verdict}."
    elif label.startswith("2 in 3"):
        where = "upper" if "Above" in label else "lower"
        text = f"Two of the last three values are close to the {where} process limit: special cause variation{verdict}."
    else:
        signs = [s for s in points.relative_to_mean[: last + 1] if s is not None]
        side, length = _trailing_run(signs)
        where = "above" if side > 0 else "below"
        text = f"The {measure} has been {where} its average for the last {_points(length)}: a shift{verdict}."
    if result.assurance_icon and result.target is not None:
        target = _number(result.target)
        text += {
            "consistent_pass": f" At this level of variation the target of {target} will be met every time.",
            "consistent_fail": f" At this level of variation the target of {target} will be missed every time, unless the process changes.",
            "inconsistent": f" The target of {target} will be met some of the time and missed some of the time.",
        }[result.assurance_icon]
    return text
