"""NHS England "Making Data Count" XmR charts, rules and icons (as NHSRplotthedots 0.2.2).

Within each rebase group, with ``fix`` the first ``fix_after_n_points`` values of the group
(all of them when not set):

- mean = mean(fix); MR_i = |fix_i − fix_i−1|; AMR = mean(MR);
- with ``screen_outliers``, moving ranges at or above 3.267 × AMR are dropped and AMR taken again;
- process limits ``mean ± 2.66 × AMR``; near limits ``mean ± (2/3)·2.66 × AMR``.

Per point: ``outside_limits`` (strictly beyond a process limit), ``relative_to_mean``
(sign of y − mean) and ``close_to_limits`` (beyond a near limit but not outside). Four rules,
each within one rebase group, labelled in this order of precedence:

1. a point outside the limits ("Above UCL"/"Below LCL");
2. a trend: 7 points each strictly above (or below) the one before; equal neighbours break it;
3. two out of three: in 3 consecutive points at least 2 close to a limit and all 3 on the same
   side of the mean; only the close points are flagged;
4. a shift: 7 points in a row on the same side of the mean; a point on the mean breaks it.

A label with Above/Increasing counts +1 and Below/Decreasing −1, times the improvement
direction (+1 increase, −1 decrease): positive is improvement, negative concern; with a neutral
direction, high or low. The variation icon is the last point's type; the assurance icon compares
a target with the last point's limits.

Missing values: NHSRplotthedots stops with an error when a missing value falls inside a trend
window. Followup instead gives a missing point no flags and no type, and lets it break trends,
shifts and two-in-three windows; it takes no part in the mean or the moving ranges.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from followup.signals.anhoej import FloatArray
from followup.signals.errors import SignalInputError
from followup.signals.qic import to_floats
from followup.signals.rstats import r_mean

LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)
MR_SCREEN = 3.267
RUN = 7
SHORT_GROUP = 13
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


@dataclass
class MdcPoints:
    date: list[str]
    rebase_group: list[int]
    short_group_warning: list[bool]
    mean: FloatArray
    lpl: FloatArray
    upl: FloatArray
    outside_limits: list[bool | None]
    relative_to_mean: list[int | None]
    close_to_limits: list[bool | None]
    special_cause_type: list[str | None]
    special_cause_flag: list[bool | None]
    point_type: list[str | None]


@dataclass
class MdcGroup:
    rebase_group: int
    n: int
    mean: float
    lpl: float
    upl: float
    common_cause: int
    special_cause_improvement: int
    special_cause_concern: int
    variation_type: str | None
    assurance_type: str | None = None


@dataclass
class MakingDataCount:
    per_point: MdcPoints
    groups: list[MdcGroup]
    variation_icon: str | None
    assurance_icon: str | None
    improvement_direction: str
    target: float | None


_mean = r_mean


def _dates(dates: Sequence[Any] | None, size: int) -> list[datetime.date] | None:
    if dates is None:
        return None
    if isinstance(dates, str | bytes) or len(dates) != size:
        got = "text" if isinstance(dates, str | bytes) else f"{len(dates)} values"
        raise SignalInputError("dates", f"expected one date per value ({size}), got {got}")
    return [_date(value, f"dates[{i + 1}]") for i, value in enumerate(dates)]


def _date(value: Any, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise SignalInputError(name, f"expected a date such as 2024-03-01, got {value!r}")


def _trend_windows(y: FloatArray) -> FloatArray:
    """+1/−1 at the last point of each 7-point strictly rising/falling window, else 0."""
    size = y.size
    ends = np.zeros(size)
    if size < RUN:
        return ends
    with np.errstate(invalid="ignore"):
        steps = np.sign(np.diff(y))
    steps = np.nan_to_num(steps, nan=0.0)
    window = np.lib.stride_tricks.sliding_window_view(steps, RUN - 1)
    up = np.all(window == 1, axis=1)
    down = np.all(window == -1, axis=1)
    ends[RUN - 1 :] = np.where(up, 1.0, np.where(down, -1.0, 0.0))
    return ends


def _part_of_window(ends: FloatArray) -> BoolArray:
    """True for every point of a window whose last point is marked in ``ends``."""
    marked = np.abs(ends) == 1
    padded = np.concatenate((marked, np.zeros(RUN - 1, dtype=bool)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, RUN)
    return np.asarray(windows.any(axis=1), dtype=bool)


def _shift_windows(rtm: FloatArray) -> FloatArray:
    """Non-zero at the last point of each run of 7 equal, non-zero signs."""
    size = rtm.size
    ends = np.zeros(size)
    if size < RUN:
        return ends
    window = np.lib.stride_tricks.sliding_window_view(rtm, RUN)
    same = np.all(window == window[:, -1:], axis=1) & (window[:, -1] != 0)
    ends[RUN - 1 :] = np.where(same, 1.0, 0.0)
    return ends


def _two_in_three(close: FloatArray, rtm: FloatArray) -> BoolArray:
    size = close.size
    if size == 0:
        return np.zeros(0, dtype=bool)
    vp = np.concatenate(([0.0, 0.0], close, [0.0, 0.0]))
    rp = np.concatenate(([0.0, 0.0], rtm, [0.0, 0.0]))
    close_sums = np.lib.stride_tricks.sliding_window_view(vp, 3).sum(axis=1)
    side_sums = np.abs(np.lib.stride_tricks.sliding_window_view(rp, 3).sum(axis=1))
    windows = (close_sums >= 2) & (side_sums == 3)  # window k covers padded k..k+2
    hit = windows[0:size] | windows[1 : size + 1] | windows[2 : size + 2]
    return hit & (close == 1)


def point_type(label: str | None, direction: int) -> str | None:
    if label is None:
        return None
    sign = (
        1
        if ("Above" in label or "Increasing" in label)
        else -1
        if ("Below" in label or "Decreasing" in label)
        else 0
    )
    if direction == 0:
        return {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}.get(
            sign, "common_cause"
        )
    sign *= direction
    return {1: "special_cause_improvement", -1: "special_cause_concern"}.get(sign, "common_cause")


def assurance(target: float | None, direction: str, lpl: float, upl: float) -> str | None:
    if target is None or direction == "neutral":
        return None
    increasing = direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def making_data_count(
    y: Sequence[Any],
    dates: Sequence[Any] | None = None,
    *,
    improvement_direction: str,
    rebase_dates: Sequence[Any] | None = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
) -> MakingDataCount:
    """An XmR chart with Making Data Count rules and icons, as NHSRplotthedots' ``ptd_spc()``.

    ``dates`` order the values (one per value, no repeats; without them the order given is
    used and points are numbered from 1). ``rebase_dates``: each is the first point of a new
    group (dates, or 1-based positions when no dates are given).
    """
    values = to_floats(y, "y")
    size = values.size
    if improvement_direction not in DIRECTIONS:
        raise SignalInputError(
            "improvement_direction",
            f"expected increase, decrease or neutral, got {improvement_direction!r}",
        )
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool)
        or not isinstance(fix_after_n_points, int)
        or fix_after_n_points < 12
    ):
        raise SignalInputError(
            "fix_after_n_points",
            f"expected a whole number of at least 12, got {fix_after_n_points!r}",
        )
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, int | float) or not np.isfinite(target)
    ):
        raise SignalInputError("target", f"expected a number, got {target!r}")
    parsed = _dates(dates, size)
    if parsed is not None:
        if len(set(parsed)) != size:
            raise SignalInputError("dates", "each date may appear only once")
        order = sorted(range(size), key=lambda i: parsed[i])
        values = values[order]
        keys: list[Any] = [parsed[i] for i in order]
        labels = [d.isoformat() for d in keys]
        rebase_keys = {_date(v, f"rebase_dates[{i + 1}]") for i, v in enumerate(rebase_dates or [])}
    else:
        keys = list(range(1, size + 1))
        labels = [str(k) for k in keys]
        rebase_keys = set()
        for i, v in enumerate(rebase_dates or []):
            if isinstance(v, bool) or not isinstance(v, int):
                raise SignalInputError(
                    f"rebase_dates[{i + 1}]", "without dates, give 1-based positions"
                )
            rebase_keys.add(v)
    group = np.cumsum([1 if k in rebase_keys else 0 for k in keys]).astype(int)

    means, lpls, upls = (np.full(size, np.nan) for _ in range(3))
    flags: dict[str, list[Any]] = {"outside": [], "rtm": [], "close": [], "labels": []}
    direction = DIRECTIONS[improvement_direction]
    groups: list[MdcGroup] = []
    short = np.zeros(size, dtype=bool)
    for g in np.unique(group) if size else []:
        rows = np.flatnonzero(group == g)
        gy = values[rows]
        fix = gy.copy()
        if fix_after_n_points is not None:
            fix[fix_after_n_points:] = np.nan
        mean = _mean(fix)
        mr = np.abs(np.diff(fix))
        amr = _mean(mr)
        if screen_outliers:
            with np.errstate(invalid="ignore"):
                amr = _mean(mr[mr < MR_SCREEN * amr])
        lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
        means[rows], lpls[rows], upls[rows] = mean, lpl, upl
        short[rows] = rows.size < SHORT_GROUP
        result = _group_labels(gy, mean, amr)
        for key in flags:
            flags[key].extend(result[key])
        types = [point_type(label, direction) for label in result["labels"]]
        present = [t for t in types if t is not None]
        groups.append(
            MdcGroup(
                rebase_group=int(g),
                n=len(present),
                mean=mean,
                lpl=lpl,
                upl=upl,
                common_cause=sum(1 for lab in result["labels"] if lab == "Common Cause"),
                special_cause_improvement=present.count("special_cause_improvement"),
                special_cause_concern=present.count("special_cause_concern"),
                variation_type=present[-1] if present else None,
            )
        )
    types = [point_type(label, direction) for label in flags["labels"]]
    last = next((i for i in range(size - 1, -1, -1) if types[i] is not None), None)
    assurance_icon = (
        assurance(target, improvement_direction, float(lpls[last]), float(upls[last]))
        if last is not None
        else None
    )
    if target is not None and groups:
        groups[-1].assurance_type = assurance_icon
    points = MdcPoints(
        date=labels,
        rebase_group=group.tolist(),
        short_group_warning=short.tolist(),
        mean=means,
        lpl=lpls,
        upl=upls,
        outside_limits=flags["outside"],
        relative_to_mean=flags["rtm"],
        close_to_limits=flags["close"],
        special_cause_type=flags["labels"],
        special_cause_flag=[
            None if lab is None else lab != "Common Cause" for lab in flags["labels"]
        ],
        point_type=types,
    )
    return MakingDataCount(
        per_point=points,
        groups=groups,
        variation_icon=types[last] if last is not None else None,
        assurance_icon=assurance_icon,
        improvement_direction=improvement_direction,
        target=target,
    )


def _group_labels(y: FloatArray, mean: float, amr: float) -> dict[str, Any]:
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    nlpl, nupl = mean - NEAR * amr, mean + NEAR * amr
    missing = np.isnan(y)
    with np.errstate(invalid="ignore"):
        outside = (y > upl) | (y < lpl)
        rtm = np.sign(y - mean)
        close = ~outside & ((y < nlpl) | (y > nupl))
    rtm_filled = np.nan_to_num(rtm, nan=0.0)
    close_num = np.where(missing, 0.0, close.astype(float))
    in_trend = _part_of_window(_trend_windows(y))
    in_two = _two_in_three(close_num, rtm_filled)
    in_shift = _part_of_window(_shift_windows(np.where(missing, np.nan, rtm_filled)))
    with np.errstate(invalid="ignore"):
        sdy = np.sign(np.diff(y))
    right = np.concatenate((sdy, sdy[-1:])) if sdy.size else np.zeros(y.size)
    left = np.concatenate(([0.0], sdy))
    next_in_trend = np.concatenate((in_trend[1:], [False]))
    direction = np.where(next_in_trend & in_trend, right, left)
    labels: list[str | None] = []
    for i in range(y.size):
        if missing[i]:
            labels.append(None)
        elif outside[i]:
            labels.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif in_trend[i]:
            labels.append(f"7 Point Trend ({'In' if direction[i] == 1 else 'De'}creasing)")
        elif in_two[i]:
            labels.append(f"2 in 3 {'Above' if rtm[i] > 0 else 'Below'} CL")
        elif in_shift[i]:
            labels.append(f"7 Points {'Above' if rtm[i] > 0 else 'Below'} CL")
        else:
            labels.append("Common Cause")
    return {
        "outside": [None if m else bool(v) for m, v in zip(missing, outside, strict=True)],
        "rtm": [None if m else int(v) for m, v in zip(missing, rtm_filled, strict=True)],
        "close": [None if m else bool(v) for m, v in zip(missing, close, strict=True)],
        "labels": labels,
    }
