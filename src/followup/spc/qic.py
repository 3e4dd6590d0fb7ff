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
runs analysis (``followup.spc.anhoej``) covers every included point of a part against the
part's centre line; MR charts get no runs signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from followup.spc.anhoej import FloatArray, runs_rows
from followup.spc.errors import SignalInputError
from followup.spc.rstats import r_mean_rows, r_median_rows, r_sum_rows

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
    """Validated input as matrices (one row per series), ready for computing."""

    chart: str
    y_plot: FloatArray
    y_sum: FloatArray
    n_eff: FloatArray
    part: IntArray
    baseline: BoolArray
    include: BoolArray


def to_floats(values: Sequence[Any] | None, name: str) -> FloatArray:
    """A sequence of numbers and None as a float array with NaN for missing values."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "fiu":
        out = values.astype(np.float64)
        bad = np.flatnonzero(np.isinf(out))
        if bad.size:
            raise SignalInputError(f"{name}[{bad[0] + 1}]", "expected a finite number")
        return out
    if values is None or isinstance(values, str | bytes) or not hasattr(values, "__len__"):
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


def _first(mask: BoolArray) -> tuple[int, int]:
    row, col = np.argwhere(mask)[0]
    return int(row), int(col)


def prepare(
    y: FloatArray,
    n: FloatArray | None,
    chart: str,
    freeze: int | None,
    part: int | Sequence[int] | None,
    exclude: Sequence[int] | None,
    where: Any = lambda row, field: field,
) -> Prepared:
    """Check matrices of values and denominators (NaN for missing) and prepare them.

    ``where(row, field)`` names a field of a given series in error messages.
    """
    if chart not in CHARTS:
        raise SignalInputError("chart", f"expected one of {', '.join(CHARTS)}, got {chart!r}")
    size = y.shape[1]
    if np.isinf(y).any():
        r, c = _first(np.isinf(y))
        raise SignalInputError(where(r, f"y[{c + 1}]"), "expected a finite number")
    if n is None and chart in NEEDS_DENOMINATOR:
        raise SignalInputError(where(0, "n"), f"a {chart!r} chart needs denominators")
    with np.errstate(invalid="ignore"):
        if chart in COUNT_CHARTS and (y < 0).any():
            r, c = _first(y < 0)
            raise SignalInputError(
                where(r, f"y[{c + 1}]"), f"a count cannot be negative, got {y[r, c]:g}"
            )
        if n is not None:
            if n.shape != y.shape:
                raise SignalInputError(where(0, "n"), f"has {n.shape[1]} values but y has {size}")
            if np.isinf(n).any():
                r, c = _first(np.isinf(n))
                raise SignalInputError(where(r, f"n[{c + 1}]"), "expected a finite number")
            if (n < 0).any():
                r, c = _first(n < 0)
                raise SignalInputError(
                    where(r, f"n[{c + 1}]"), f"a denominator cannot be negative, got {n[r, c]:g}"
                )
            if chart in {"p", "pp"} and (y > n).any():
                r, c = _first(y > n)
                raise SignalInputError(
                    where(r, f"y[{c + 1}]"),
                    f"the numerator {y[r, c]:g} is above its denominator {n[r, c]:g}",
                )
            zero = (n == 0) & (y != 0) & ~np.isnan(y)
            if zero.any():
                r, c = _first(zero)
                raise SignalInputError(
                    where(r, f"n[{c + 1}]"), f"a denominator of 0 with a numerator of {y[r, c]:g}"
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
    if n is not None:
        complete = ~np.isnan(y) & ~np.isnan(n)
        y_sum = np.where(complete, y, np.nan)
        n_eff = np.where(complete, n, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            y_plot = y_sum.copy() if chart == "c" else y_sum / n_eff
    else:
        y_sum = y
        n_eff = np.full(y.shape, np.nan)
        y_plot = y.copy()
    use_freeze = freeze is not None and part is None
    return Prepared(
        chart=chart,
        y_plot=y_plot,
        y_sum=y_sum,
        n_eff=n_eff,
        part=make_parts(breaks, size),
        baseline=index <= freeze if use_freeze else np.ones(size, dtype=bool),
        include=~np.isin(index, excluded),
    )


Matrices = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]


def _screened(mr: FloatArray, amr: FloatArray) -> FloatArray:
    """Drop moving ranges at or above 3.267 × their mean, then average again (per row)."""
    with np.errstate(invalid="ignore"):
        return r_mean_rows(np.where(mr < MR_SCREEN * amr[:, None], mr, np.nan))


def _floor(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values) & (values < 0), 0.0, values)


def _ceiling(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values) & (values > 1), 1.0, values)


def _segment(
    chart: str, y: FloatArray, y_sum: FloatArray, n: FloatArray, base: BoolArray, screened: bool
) -> Matrices:
    """Plotted values, centre line and limits of one part: rows are series, columns points."""
    rows, size = y.shape
    ones = np.ones((rows, size))
    with np.errstate(invalid="ignore", divide="ignore"):
        if chart == "run":
            cl = r_median_rows(y[:, base])[:, None] * ones
            nan = np.full((rows, size), np.nan)
            return y, cl, nan, nan, nan, nan
        if chart == "i":
            centre = r_mean_rows(y[:, base])
            mr = np.abs(np.diff(y[:, base] - centre[:, None], axis=1))
            amr = r_mean_rows(mr)
            if screened:
                amr = _screened(mr, amr)
            cl, spread = centre[:, None] * ones, (amr / D2)[:, None] * ones
            return y, cl, cl - 3 * spread, cl + 3 * spread, cl - 2 * spread, cl + 2 * spread
        if chart == "mr":
            mr_y = np.concatenate((np.full((rows, 1), np.nan), np.abs(np.diff(y, axis=1))), axis=1)
            cl = r_mean_rows(mr_y[:, base])[:, None] * ones
            zero = np.zeros((rows, size))
            return mr_y, cl, zero, MR_SCREEN * cl, zero.copy(), (MR_SCREEN / 3) * 2 * cl
        if chart == "c":
            cl = r_mean_rows(y[:, base])[:, None] * ones
            spread = np.sqrt(cl)
            return (
                y,
                cl,
                _floor(cl - 3 * spread),
                cl + 3 * spread,
                _floor(cl - 2 * spread),
                cl + 2 * spread,
            )
        # p, pp, u, up: a pooled rate from the baseline's numerators and denominators.
        cl = (r_sum_rows(y_sum[:, base]) / r_sum_rows(n[:, base]))[:, None] * ones
        spread = np.sqrt(cl * (1 - cl) / n) if chart in {"p", "pp"} else np.sqrt(cl / n)
        if chart in {"pp", "up"}:
            z = (y[:, base] - cl[:, base]) / spread[:, base]
            mr = np.abs(np.diff(z, axis=1))
            amr = r_mean_rows(mr)
            if screened:
                amr = _screened(mr, amr)
            spread = spread * (amr / D2)[:, None]
        lcl, ucl = _floor(cl - 3 * spread), cl + 3 * spread
        lcl95, ucl95 = _floor(cl - 2 * spread), cl + 2 * spread
        if chart in {"p", "pp"}:
            ucl, ucl95 = _ceiling(ucl), _ceiling(ucl95)
        return y, cl, lcl, ucl, lcl95, ucl95


def compute(prep: Prepared, screened_mr: bool = False) -> list[ControlChart]:
    """Charts of every row of the prepared matrices."""
    chart = prep.chart
    rows, size = prep.y_plot.shape
    out = {
        name: np.full((rows, size), np.nan) for name in ("y", "cl", "lcl", "ucl", "lcl95", "ucl95")
    }
    runs_signal = np.zeros((rows, size), dtype=bool)
    base_all = prep.baseline & prep.include
    part_stats = []
    edges = (np.flatnonzero(np.diff(prep.part)) + 1).tolist()
    for number, (s, e) in enumerate(zip([0, *edges], [*edges, size], strict=True), start=1):
        if e <= s:
            continue
        cols = _segment(
            chart,
            prep.y_plot[:, s:e],
            prep.y_sum[:, s:e],
            prep.n_eff[:, s:e],
            base_all[s:e],
            screened_mr,
        )
        for name, values in zip(out, cols, strict=True):
            out[name][:, s:e] = values
        inc = prep.include[s:e]
        stats = runs_rows(cols[0][:, inc], cols[1][:, inc])
        if chart == "mr":
            stats["runs_signal"] = np.zeros(rows, dtype=bool)
        runs_signal[:, s:e] = stats["runs_signal"][:, None]
        part_stats.append((number, s, e, int(inc.sum()), {k: v.tolist() for k, v in stats.items()}))
    for name in ("lcl", "ucl", "lcl95", "ucl95"):
        out[name][~np.isfinite(out[name])] = np.nan
    with np.errstate(invalid="ignore"):
        sigma = (out["y"] > out["ucl"]) | (out["y"] < out["lcl"])
    counts = [np.count_nonzero(sigma[:, s:e], axis=1).tolist() for _, s, e, _, _ in part_stats]
    charts = []
    for row in range(rows):
        points = ChartPoints(
            y_plotted=out["y"][row],
            cl=out["cl"][row],
            lcl=out["lcl"][row],
            ucl=out["ucl"][row],
            lcl_95=out["lcl95"][row],
            ucl_95=out["ucl95"][row],
            part=prep.part,
            baseline=prep.baseline,
            include=prep.include,
            sigma_signal=sigma[row],
            runs_signal=runs_signal[row],
        )
        summaries = []
        for (number, _s, _e, n_obs, stats), count in zip(part_stats, counts, strict=True):
            useful = stats["n_useful"][row]
            summaries.append(
                ChartPart(
                    part=number,
                    n_obs=n_obs,
                    n_useful=useful,
                    longest_run=stats["longest_run"][row] if useful else None,
                    longest_run_max=stats["longest_run_max"][row] if useful else None,
                    n_crossings=stats["n_crossings"][row] if useful else None,
                    n_crossings_min=stats["n_crossings_min"][row] if useful else None,
                    runs_signal=stats["runs_signal"][row],
                    sigma_signal_count=count[row],
                )
            )
        charts.append(ControlChart(chart=chart, per_point=points, parts=summaries))
    return charts


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
    if chart not in CHARTS:
        raise SignalInputError("chart", f"expected one of {', '.join(CHARTS)}, got {chart!r}")
    values = to_floats(y, "y")
    denominators = None
    if n is not None:
        denominators = to_floats(n, "n")
        if denominators.size != values.size:
            raise SignalInputError("n", f"has {denominators.size} values but y has {values.size}")
    matrix_n = denominators[None, :] if denominators is not None else None
    return compute(prepare(values[None, :], matrix_n, chart, freeze, part, exclude), screened_mr)[0]
