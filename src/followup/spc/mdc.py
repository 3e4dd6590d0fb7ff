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

from followup.spc.anhoej import FloatArray
from followup.spc.errors import SignalInputError
from followup.spc.qic import to_floats
from followup.spc.rstats import r_mean_rows

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


# Label codes: (special_cause_type, sign), in the order of the rules' precedence.
LABELS: list[tuple[str | None, int]] = [
    (None, 0),
    ("Above UCL", 1),
    ("Below LCL", -1),
    ("7 Point Trend (Increasing)", 1),
    ("7 Point Trend (Decreasing)", -1),
    ("2 in 3 Above CL", 1),
    ("2 in 3 Below CL", -1),
    ("7 Points Above CL", 1),
    ("7 Points Below CL", -1),
    ("Common Cause", 0),
]
MISSING, COMMON = 0, 9
LABEL_TEXT = np.array([label for label, _ in LABELS], dtype=object)
LABEL_SIGN = np.array([sign for _, sign in LABELS])


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


def _windows(values: FloatArray, width: int) -> FloatArray:
    return np.lib.stride_tricks.sliding_window_view(values, width, axis=1)


def _part_of_window(ends: BoolArray) -> BoolArray:
    """True for every point of a 7-point window whose last point is marked in ``ends``."""
    padded = np.concatenate((ends, np.zeros((ends.shape[0], RUN - 1), dtype=bool)), axis=1)
    return np.asarray(_windows(padded, RUN).any(axis=2), dtype=bool)


def _codes(
    y: FloatArray, mean: FloatArray, amr: FloatArray
) -> tuple[BoolArray, FloatArray, BoolArray, Any]:
    """Flags and label codes of one rebase group: rows are series, columns months."""
    rows, size = y.shape
    m, a = mean[:, None], amr[:, None]
    lpl, upl = m - (LIMIT * a), m + (LIMIT * a)
    nlpl, nupl = m - (NEAR * a), m + (NEAR * a)
    missing = np.isnan(y)
    with np.errstate(invalid="ignore"):
        outside = (y > upl) | (y < lpl)
        rtm = np.sign(y - m)
        close = ~outside & ((y < nlpl) | (y > nupl))
        steps = np.sign(np.diff(y, axis=1))
    rtm0 = np.nan_to_num(rtm, nan=0.0)
    no = np.zeros((rows, size), dtype=bool)
    trend_end, shift_end = no.copy(), no.copy()
    if size >= RUN:
        window = _windows(np.nan_to_num(steps, nan=0.0), RUN - 1)
        trend_end[:, RUN - 1 :] = np.all(window == 1, axis=2) | np.all(window == -1, axis=2)
        sides = _windows(rtm, RUN)  # NaN for a missing month never matches
        shift_end[:, RUN - 1 :] = np.all(sides == sides[..., -1:], axis=2) & (sides[..., -1] != 0)
    in_trend = _part_of_window(trend_end)
    in_shift = _part_of_window(shift_end)
    # Two in three: any 3-point window holding this point with 2+ close points all on one side.
    pad = np.zeros((rows, 2))
    close_sums = _windows(np.hstack((pad, np.where(missing, 0.0, close), pad)), 3).sum(axis=2)
    side_sums = np.abs(_windows(np.hstack((pad, rtm0, pad)), 3).sum(axis=2))
    hit = (close_sums >= 2) & (side_sums == 3)
    in_two = (hit[:, 0:size] | hit[:, 1 : size + 1] | hit[:, 2 : size + 2]) & close & ~missing
    # A trend's direction: the step to the next point when that point is in the trend too,
    # else the step from the previous point (NHSRplotthedots' rule).
    sdy = np.nan_to_num(steps, nan=0.0)
    right = np.concatenate((sdy, sdy[:, -1:]), axis=1) if size > 1 else np.zeros((rows, size))
    left = np.concatenate((np.zeros((rows, 1)), sdy), axis=1) if size else np.zeros((rows, 0))
    next_in = (
        np.concatenate((in_trend[:, 1:], np.zeros((rows, 1), dtype=bool)), axis=1)
        if size
        else in_trend
    )
    rising = np.where(next_in & in_trend, right, left) == 1
    above = rtm0 > 0
    codes = np.select(
        [
            missing,
            outside & (rtm0 == 1),
            outside,
            in_trend & rising,
            in_trend,
            in_two & above,
            in_two,
            in_shift & above,
            in_shift,
        ],
        [MISSING, 1, 2, 3, 4, 5, 6, 7, 8],
        default=COMMON,
    )
    return outside, rtm0, close, codes


def _types(codes: Any, direction: int) -> Any:
    signs = LABEL_SIGN[codes] * (direction if direction else 1)
    if direction == 0:
        kinds = np.select(
            [signs > 0, signs < 0],
            ["special_cause_neutral_high", "special_cause_neutral_low"],
            "common_cause",
        )
    else:
        kinds = np.select(
            [signs > 0, signs < 0],
            ["special_cause_improvement", "special_cause_concern"],
            "common_cause",
        )
    kinds = kinds.astype(object)
    kinds[codes == MISSING] = None
    return kinds


def _masked(values: Any, keep: BoolArray) -> list[Any]:
    """The values as a list, with None where ``keep`` is false."""
    out = np.asarray(values).astype(object)
    out[~keep] = None
    return list(out.tolist())


def point_type(label: str | None, direction: int) -> str | None:
    """The point type of a special-cause label under an improvement direction (+1, −1, 0)."""
    code = next(i for i, (text, _) in enumerate(LABELS) if text == label)
    kind: str | None = _types(np.array([code]), direction)[0]
    return kind


def assurance(target: float | None, direction: str, lpl: float, upl: float) -> str | None:
    if target is None or direction == "neutral":
        return None
    increasing = direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def _check_options(direction: str, fix: int | None, target: float | None) -> None:
    if direction not in DIRECTIONS:
        raise SignalInputError(
            "improvement_direction", f"expected increase, decrease or neutral, got {direction!r}"
        )
    if fix is not None and (isinstance(fix, bool) or not isinstance(fix, int) or fix < 12):
        raise SignalInputError(
            "fix_after_n_points", f"expected a whole number of at least 12, got {fix!r}"
        )
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, int | float) or not np.isfinite(target)
    ):
        raise SignalInputError("target", f"expected a number, got {target!r}")


def _order(
    size: int, dates: Sequence[Any] | None, rebase_dates: Sequence[Any] | None
) -> tuple[list[int], list[str], Any]:
    """Sort order, date labels and rebase group of each point."""
    parsed = _dates(dates, size)
    if parsed is not None:
        if len(set(parsed)) != size:
            raise SignalInputError("dates", "each date may appear only once")
        order = sorted(range(size), key=lambda i: parsed[i])
        keys: list[Any] = [parsed[i] for i in order]
        labels = [d.isoformat() for d in keys]
        rebase = {_date(v, f"rebase_dates[{i + 1}]") for i, v in enumerate(rebase_dates or [])}
    else:
        order = list(range(size))
        keys = list(range(1, size + 1))
        labels = [str(k) for k in keys]
        rebase = set()
        for i, v in enumerate(rebase_dates or []):
            if isinstance(v, bool) or not isinstance(v, int):
                raise SignalInputError(
                    f"rebase_dates[{i + 1}]", "without dates, give 1-based positions"
                )
            rebase.add(v)
    group = np.cumsum([1 if k in rebase else 0 for k in keys]).astype(int)
    return order, labels, group


def making_data_count_rows(
    values: FloatArray,
    dates: Sequence[Any] | None = None,
    *,
    improvement_direction: str,
    rebase_dates: Sequence[Any] | None = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
) -> list[MakingDataCount]:
    """Making Data Count for every row of a matrix; the rows share dates and options.

    The steps: put the columns in date order and number the rebase groups; work out every
    row's limits and point codes, group by group; then each row's points, groups and icons."""
    _check_options(improvement_direction, fix_after_n_points, target)
    rows, size = values.shape
    if np.isinf(values).any():
        c = int(np.argwhere(np.isinf(values))[0][1])
        raise SignalInputError(f"y[{c + 1}]", "expected a finite number")
    order, labels, group = _order(size, dates, rebase_dates)
    found = _limits(values[:, order], group, fix_after_n_points, screen_outliers)
    found.kinds = _types(found.codes, DIRECTIONS[improvement_direction])
    present_count = (~found.missing).sum(axis=1)
    if size:
        last = np.where(
            present_count > 0, size - 1 - np.argmax(~found.missing[:, ::-1], axis=1), -1
        )
    else:
        last = np.full(rows, -1)
    short_points = [e - s < SHORT_GROUP for _, s, e in found.spans for _ in range(e - s)]
    results = []
    for row in range(rows):
        at = int(last[row])
        icon = (
            assurance(
                target, improvement_direction, float(found.lpl[row, at]), float(found.upl[row, at])
            )
            if at >= 0
            else None
        )
        groups = _groups(found, row)
        if target is not None and groups:
            groups[-1].assurance_type = icon
        row_kinds = found.kinds[row]
        results.append(
            MakingDataCount(
                per_point=_points(found, row, labels, group, short_points),
                groups=groups,
                variation_icon=row_kinds[at] if at >= 0 else None,
                assurance_icon=icon,
                improvement_direction=improvement_direction,
                target=target,
            )
        )
    return results


@dataclass
class _Limits:
    """Every row's limits and point flags and codes (rows are series, columns dates in order),
    and the rebase groups' (group, first column, column after the last)."""

    mean: FloatArray
    lpl: FloatArray
    upl: FloatArray
    outside: BoolArray
    rtm: FloatArray
    close: BoolArray
    codes: Any
    missing: BoolArray
    spans: list[tuple[int, int, int]]
    kinds: Any = None  # each point's type, once the direction is applied


def _limits(
    values: FloatArray, group: Any, fix_after_n_points: int | None, screen_outliers: bool
) -> _Limits:
    """The limits of each rebase group, from its mean and its average moving range (the first
    ``fix_after_n_points`` points only, when fixed; moving ranges over ``MR_SCREEN`` times the
    average left out, when screened), and each point's flags and codes within them."""
    rows, size = values.shape
    mean, lpl, upl = (np.full((rows, size), np.nan) for _ in range(3))
    outside = np.zeros((rows, size), dtype=bool)
    rtm = np.zeros((rows, size))
    close = np.zeros((rows, size), dtype=bool)
    codes = np.full((rows, size), MISSING)
    group_ids = np.unique(group).tolist() if size else []
    spans = []
    for g in group_ids:
        cols = np.flatnonzero(group == g)
        s, e = int(cols[0]), int(cols[-1]) + 1
        gy = values[:, s:e]
        fix = gy.copy()
        if fix_after_n_points is not None:
            fix[:, fix_after_n_points:] = np.nan
        m = r_mean_rows(fix)
        mr = np.abs(np.diff(fix, axis=1))
        amr = r_mean_rows(mr)
        if screen_outliers:
            with np.errstate(invalid="ignore"):
                amr = r_mean_rows(np.where(mr < MR_SCREEN * amr[:, None], mr, np.nan))
        mean[:, s:e] = m[:, None]
        lpl[:, s:e] = (m - LIMIT * amr)[:, None]
        upl[:, s:e] = (m + LIMIT * amr)[:, None]
        outside[:, s:e], rtm[:, s:e], close[:, s:e], codes[:, s:e] = _codes(gy, m, amr)
        spans.append((g, s, e))
    return _Limits(mean, lpl, upl, outside, rtm, close, codes, codes == MISSING, spans)


def _groups(found: _Limits, row: int) -> list[MdcGroup]:
    """One row's summary of each rebase group: its limits and how many points of each kind."""
    miss = found.missing[row]
    row_kinds = found.kinds[row]
    groups = []
    for g, s, e in found.spans:
        present = row_kinds[s:e][~miss[s:e]]
        groups.append(
            MdcGroup(
                rebase_group=int(g),
                n=int(present.size),
                mean=float(found.mean[row, s]),
                lpl=float(found.lpl[row, s]),
                upl=float(found.upl[row, s]),
                common_cause=int(np.count_nonzero(found.codes[row, s:e] == COMMON)),
                special_cause_improvement=int(
                    np.count_nonzero(present == "special_cause_improvement")
                ),
                special_cause_concern=int(np.count_nonzero(present == "special_cause_concern")),
                variation_type=present[-1] if present.size else None,
            )
        )
    return groups


def _points(
    found: _Limits, row: int, labels: list[str], group: Any, short_points: list[bool]
) -> MdcPoints:
    """One row's points: their limits, flags and types (None where a point is missing)."""
    flags = ~found.missing[row]
    return MdcPoints(
        date=labels,
        rebase_group=group.tolist(),
        short_group_warning=short_points,
        mean=found.mean[row],
        lpl=found.lpl[row],
        upl=found.upl[row],
        outside_limits=_masked(found.outside[row], flags),
        relative_to_mean=_masked(found.rtm[row].astype(int), flags),
        close_to_limits=_masked(found.close[row], flags),
        special_cause_type=LABEL_TEXT[found.codes[row]].tolist(),
        special_cause_flag=_masked(found.codes[row] != COMMON, flags),
        point_type=found.kinds[row].tolist(),
    )


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
    _check_options(improvement_direction, fix_after_n_points, target)
    values = to_floats(y, "y")
    return making_data_count_rows(
        values[None, :],
        dates,
        improvement_direction=improvement_direction,
        rebase_dates=rebase_dates,
        fix_after_n_points=fix_after_n_points,
        target=target,
        screen_outliers=screen_outliers,
    )[0]
