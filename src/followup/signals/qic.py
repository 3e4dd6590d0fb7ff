"""Run charts and Shewhart control charts with qicharts2's semantics (qicharts2 0.8.1).

For each part (phase) of the series, with ``base`` the baseline points that are not excluded:

====== ================================== ==================================================
chart  centre line (CL)                   3-sigma limits (2-sigma: replace 3 by 2)
====== ================================== ==================================================
run    median(y[base])                    none
i      mean(y[base])                      CL ± 3·AMR/1.128, AMR = mean |Δ(y[base] − CL)|
mr     mean(MR[base]), MR_i = |y_i−y_i−1| LCL 0, UCL 3.267·CL (2-sigma: (3.267/3)·2·CL)
p      Σy[base] / Σn[base]                CL ± 3·√(CL(1−CL)/n_i), clipped to [0, 1]
pp     as p                               CL ± 3·√(CL(1−CL)/n_i)·σz, clipped to [0, 1]
u      Σy[base] / Σn[base]                CL ± 3·√(CL/n_i), LCL clipped at 0
up     as u                               CL ± 3·√(CL/n_i)·σz, LCL clipped at 0
c      mean(y[base])                      CL ± 3·√CL, LCL clipped at 0
====== ================================== ==================================================

Laney's σz (P′, U′) is mean |Δz| / 1.128 over the baseline z-scores z_i = (y_i/n_i − CL)/s_i.
With moving-range screening (``screened_mr``, qicharts2's option ``qic.screenedmr``), moving
ranges of I, P′ and U′ charts at or above 3.267 × their mean are dropped and the mean taken
again. A point signals (``sigma_signal``) when it lies strictly outside its 3-sigma limits.
Limits that are not finite (a part without usable data, a zero denominator) are undefined (NaN).

Missing values follow qicharts2: with denominators, a point missing either value is missing in
both; its denominator counts as 0, so it adds nothing to the centre line and has no limits. The
runs analysis (``followup.signals.anhoej``) covers every included point of a part against the
part's centre line; MR charts get no runs signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from followup.signals.anhoej import FloatArray, RunsResult, runs_analysis
from followup.signals.errors import SignalInputError
from followup.signals.rstats import r_mean, r_median, r_sum

CHARTS = ("run", "i", "mr", "p", "pp", "u", "up", "c")
NEEDS_DENOMINATOR = frozenset({"p", "pp", "u", "up"})
COUNT_CHARTS = frozenset({"p", "pp", "u", "up", "c"})
D2 = 1.128
MR_SCREEN = 3.267
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass
class ChartPoints:
    """Per-point results; NaN where a value is undefined."""

    y_plotted: FloatArray
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    part: IntArray
    baseline: BoolArray
    include: BoolArray
    sigma_signal: BoolArray
    runs_signal: BoolArray


@dataclass
class ChartPart:
    part: int
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    sigma_signal_count: int


@dataclass
class ControlChart:
    chart: str
    per_point: ChartPoints
    parts: list[ChartPart] = field(default_factory=list)


@dataclass
class Prepared:
    """Validated input as arrays, ready for computing."""

    chart: str
    y_plot: FloatArray
    y_sum: FloatArray
    n_eff: FloatArray
    part: IntArray
    baseline: BoolArray
    include: BoolArray


_mean = r_mean
_median = r_median


def _screen(mr: FloatArray, amr: float) -> float:
    """Drop moving ranges at or above 3.267 × their mean, then average again."""
    with np.errstate(invalid="ignore"):
        return _mean(mr[mr < MR_SCREEN * amr])


def to_floats(values: Sequence[Any] | None, name: str) -> FloatArray:
    """A sequence of numbers and None as a float array with NaN for missing values."""
    if values is None:
        raise SignalInputError(name, "expected a list of numbers")
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise SignalInputError(name, "expected a list of numbers")
    out = np.empty(len(values), dtype=np.float64)
    for i, value in enumerate(values):
        if value is None:
            out[i] = np.nan
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise SignalInputError(f"{name}[{i + 1}]", f"expected a number or null, got {value!r}")
        number = float(value)
        if np.isinf(number):
            raise SignalInputError(f"{name}[{i + 1}]", "expected a finite number")
        out[i] = number
    return out


def _indices(value: Any, name: str, size: int, *, minimum: int) -> list[int]:
    items = value if isinstance(value, list | tuple | np.ndarray) else [value]
    result = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | np.integer):
            raise SignalInputError(name, f"expected whole numbers, got {item!r}")
        if not minimum <= int(item) <= size:
            raise SignalInputError(name, f"{item} is not between {minimum} and {size}")
        result.append(int(item))
    return result


def make_parts(breaks: list[int], size: int) -> IntArray:
    """Part number of each point: a new part starts after each break (qicharts2's makeparts)."""
    cuts = sorted({0, *[b for b in breaks if 0 <= b < size]})
    lengths = np.diff([*cuts, size])
    return np.repeat(np.arange(1, len(cuts) + 1), lengths).astype(np.int64)


def prepare(
    y: Sequence[Any],
    n: Sequence[Any] | None,
    chart: str,
    freeze: int | None,
    part: int | Sequence[int] | None,
    exclude: Sequence[int] | None,
) -> Prepared:
    """Check the input and turn it into arrays; raise SignalInputError naming the field."""
    if chart not in CHARTS:
        raise SignalInputError("chart", f"expected one of {', '.join(CHARTS)}, got {chart!r}")
    values = to_floats(y, "y")
    size = values.size
    if n is None:
        if chart in NEEDS_DENOMINATOR:
            raise SignalInputError("n", f"a {chart!r} chart needs denominators")
        denominators = None
    else:
        denominators = to_floats(n, "n")
        if denominators.size != size:
            raise SignalInputError("n", f"has {denominators.size} values but y has {size}")
    if chart in COUNT_CHARTS:
        for i in np.flatnonzero(values < 0):
            raise SignalInputError(f"y[{i + 1}]", f"a count cannot be negative, got {values[i]:g}")
    if denominators is not None:
        for i in np.flatnonzero(denominators < 0):
            raise SignalInputError(
                f"n[{i + 1}]", f"a denominator cannot be negative, got {denominators[i]:g}"
            )
        if chart in {"p", "pp"}:
            for i in np.flatnonzero(values > denominators):
                raise SignalInputError(
                    f"y[{i + 1}]",
                    f"the numerator {values[i]:g} is above its denominator {denominators[i]:g}",
                )
        for i in np.flatnonzero((denominators == 0) & (values != 0) & ~np.isnan(values)):
            raise SignalInputError(
                f"n[{i + 1}]", f"a denominator of 0 with a numerator of {values[i]:g}"
            )
    if (
        freeze is not None
        and part is None
        and (isinstance(freeze, bool) or not isinstance(freeze, int | np.integer) or freeze < 1)
    ):
        raise SignalInputError("freeze", f"expected a whole number of at least 1, got {freeze!r}")
    breaks = _indices(part, "part", size, minimum=0) if part is not None else []
    excluded = _indices(exclude, "exclude", size, minimum=1) if exclude is not None else []

    index = np.arange(1, size + 1)
    if denominators is not None:
        complete = ~np.isnan(values) & ~np.isnan(denominators)
        y_sum = np.where(complete, values, np.nan)
        n_eff = np.where(complete, denominators, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = y_sum / n_eff
        y_plot = y_sum.copy() if chart == "c" else ratio
    else:
        y_sum = values
        n_eff = np.full(size, np.nan)
        y_plot = values.copy()
    baseline = index <= freeze if freeze is not None and part is None else np.ones(size, dtype=bool)
    return Prepared(
        chart=chart,
        y_plot=y_plot,
        y_sum=y_sum,
        n_eff=n_eff,
        part=make_parts(breaks, size),
        baseline=baseline,
        include=~np.isin(index, excluded),
    )


Limits = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]


def _limits(cl: float, stdev: FloatArray | float, size: int) -> Limits:
    centre = np.full(size, cl)
    spread = np.broadcast_to(np.asarray(stdev, dtype=np.float64), (size,))
    return (
        np.empty(0),
        centre,
        centre - 3 * spread,
        centre + 3 * spread,
        centre - 2 * spread,
        centre + 2 * spread,
    )


def _laney_sigma(z: FloatArray, screened: bool) -> float:
    mr = np.abs(np.diff(z))
    amr = _mean(mr)
    if screened:
        amr = _screen(mr, amr)
    return amr / D2


def _segment(prep: Prepared, s: int, e: int, screened: bool) -> Limits:
    """Centre line and limits of the part held in positions s..e-1; first item is y_plotted."""
    chart = prep.chart
    y = prep.y_plot[s:e]
    base = prep.baseline[s:e] & prep.include[s:e]
    size = e - s
    if chart == "run":
        cl = _median(y[base])
        nan = np.full(size, np.nan)
        return (y, np.full(size, cl), nan, nan, nan, nan)
    if chart == "i":
        cl = _mean(y[base])
        mr = np.abs(np.diff(y[base] - cl))
        amr = _mean(mr)
        if screened:
            amr = _screen(mr, amr)
        _, c, lcl, ucl, lcl95, ucl95 = _limits(cl, amr / D2, size)
        return (y, c, lcl, ucl, lcl95, ucl95)
    if chart == "mr":
        mr_y = np.concatenate(([np.nan], np.abs(np.diff(y))))
        cl = _mean(mr_y[base])
        centre = np.full(size, cl)
        zero = np.zeros(size)
        return (mr_y, centre, zero, MR_SCREEN * centre, zero.copy(), (MR_SCREEN / 3) * 2 * centre)
    if chart == "c":
        cl = _mean(y[base])
        _, c, lcl, ucl, lcl95, ucl95 = _limits(cl, np.sqrt(cl) if cl >= 0 else np.nan, size)
        return (y, c, _floor(lcl), ucl, _floor(lcl95), ucl95)
    # p, pp, u, up: a pooled rate from the baseline's numerators and denominators.
    n = prep.n_eff[s:e]
    with np.errstate(invalid="ignore", divide="ignore"):
        cl = _ratio(r_sum(prep.y_sum[s:e][base]), r_sum(n[base]))
        spread = np.sqrt(cl * (1 - cl) / n) if chart in {"p", "pp"} else np.sqrt(cl / n)
        if chart in {"pp", "up"}:
            z = (y[base] - cl) / spread[base]
            spread = spread * _laney_sigma(z, screened)
    _, c, lcl, ucl, lcl95, ucl95 = _limits(cl, spread, size)
    if chart in {"p", "pp"}:
        return (y, c, _floor(lcl), _ceiling(ucl), _floor(lcl95), _ceiling(ucl95))
    return (y, c, _floor(lcl), ucl, _floor(lcl95), ucl95)


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator with R's results for a zero denominator (NaN or ±Inf)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.float64(numerator) / np.float64(denominator))


def _floor(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values) & (values < 0), 0.0, values)


def _ceiling(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values) & (values > 1), 1.0, values)


def compute(prep: Prepared, screened_mr: bool = False) -> ControlChart:
    size = prep.y_plot.size
    columns = {name: np.full(size, np.nan) for name in ("y", "cl", "lcl", "ucl", "lcl95", "ucl95")}
    runs_signal = np.zeros(size, dtype=bool)
    parts: list[tuple[int, int, int, RunsResult]] = []
    edges = np.flatnonzero(np.diff(prep.part)) + 1
    starts = [0, *edges.tolist()]
    ends = [*edges.tolist(), size]
    for number, (s, e) in enumerate(zip(starts, ends, strict=True), start=1):
        if e <= s:
            continue
        y, cl, lcl, ucl, lcl95, ucl95 = _segment(prep, s, e, screened_mr)
        for name, values in zip(columns, (y, cl, lcl, ucl, lcl95, ucl95), strict=True):
            columns[name][s:e] = values
        included = prep.include[s:e]
        runs = runs_analysis(y[included], cl[included])
        if prep.chart == "mr":
            runs = RunsResult(**{**runs.__dict__, "runs_signal": False})
        runs_signal[s:e] = runs.runs_signal
        parts.append((number, s, e, runs))
    for name in ("lcl", "ucl", "lcl95", "ucl95"):
        columns[name][~np.isfinite(columns[name])] = np.nan
    y_plotted = columns["y"]
    with np.errstate(invalid="ignore"):
        sigma = (y_plotted > columns["ucl"]) | (y_plotted < columns["lcl"])
    points = ChartPoints(
        y_plotted=y_plotted,
        cl=columns["cl"],
        lcl=columns["lcl"],
        ucl=columns["ucl"],
        lcl_95=columns["lcl95"],
        ucl_95=columns["ucl95"],
        part=prep.part,
        baseline=prep.baseline,
        include=prep.include,
        sigma_signal=sigma,
        runs_signal=runs_signal,
    )
    summaries = [
        ChartPart(
            part=number,
            n_obs=runs.n_obs,
            n_useful=runs.n_useful,
            longest_run=runs.longest_run,
            longest_run_max=runs.longest_run_max,
            n_crossings=runs.n_crossings,
            n_crossings_min=runs.n_crossings_min,
            runs_signal=runs.runs_signal,
            sigma_signal_count=int(np.count_nonzero(sigma[s:e])),
        )
        for number, s, e, runs in parts
    ]
    return ControlChart(chart=prep.chart, per_point=points, parts=summaries)


def control_chart(
    y: Sequence[Any],
    n: Sequence[Any] | None = None,
    *,
    chart: str,
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    screened_mr: bool = False,
) -> ControlChart:
    """A run or control chart of one series, as qicharts2's ``qic()`` computes it.

    ``y`` holds values (counts for p, pp, u, up, c; None for a missing value), ``n`` the
    denominators. ``freeze``: the first ``freeze`` points are the baseline (ignored with
    ``part``). ``part``: a new part starts after each given 1-based index. ``exclude``: 1-based
    points left out of centre line, limits and runs analysis (still tested against the limits).
    """
    return compute(prepare(y, n, chart, freeze, part, exclude), screened_mr)
