"""Many series at once, vectorised: a dashboard of hundreds of indicators in one call.

``control_charts`` and ``making_data_counts`` take many series sharing one chart type and one
set of options, and compute them together with whole-array operations (series of different
lengths are grouped by length). The formulas are those of ``qic`` and ``mdc``; the results are
the same ``ControlChart`` and ``MakingDataCount`` objects, equal to charting each series alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from followup.signals.anhoej import FloatArray, longest_run_max, n_crossings_min
from followup.signals.errors import SignalInputError
from followup.signals.mdc import MakingDataCount, making_data_count
from followup.signals.qic import (
    D2,
    MR_SCREEN,
    ChartPart,
    ChartPoints,
    ControlChart,
    make_parts,
    prepare,
)
from followup.signals.rstats import r_mean_rows, r_median_rows, r_sum_rows

Matrix = FloatArray


_nanmean = r_mean_rows
_nanmedian = r_median_rows


def _screened(mr: Matrix, amr: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        return _nanmean(np.where(mr < MR_SCREEN * amr[:, None], mr, np.nan))


def _segment(
    chart: str, y: Matrix, y_sum: Matrix, n: Matrix, base: Any, screened: bool
) -> tuple[Matrix, ...]:
    """Vectorised twin of ``qic._segment``: rows are series, columns the points of one part."""
    rows, size = y.shape
    ones = np.ones((rows, size))
    with np.errstate(invalid="ignore", divide="ignore"):
        if chart == "run":
            cl = _nanmedian(y[:, base])[:, None] * ones
            nan = np.full((rows, size), np.nan)
            return y, cl, nan, nan, nan, nan
        if chart == "i":
            centre = _nanmean(y[:, base])
            mr = np.abs(np.diff(y[:, base] - centre[:, None], axis=1))
            amr = _nanmean(mr)
            if screened:
                amr = _screened(mr, amr)
            cl, spread = centre[:, None] * ones, (amr / D2)[:, None] * ones
            return y, cl, cl - 3 * spread, cl + 3 * spread, cl - 2 * spread, cl + 2 * spread
        if chart == "mr":
            mr_y = np.concatenate((np.full((rows, 1), np.nan), np.abs(np.diff(y, axis=1))), axis=1)
            cl = _nanmean(mr_y[:, base])[:, None] * ones
            zero = np.zeros((rows, size))
            return mr_y, cl, zero, MR_SCREEN * cl, zero.copy(), (MR_SCREEN / 3) * 2 * cl
        if chart == "c":
            centre = _nanmean(y[:, base])
            cl = centre[:, None] * ones
            spread = np.sqrt(cl)
            return (
                y,
                cl,
                _floor(cl - 3 * spread),
                cl + 3 * spread,
                _floor(cl - 2 * spread),
                cl + 2 * spread,
            )
        centre = r_sum_rows(y_sum[:, base]) / r_sum_rows(n[:, base])
        cl = centre[:, None] * ones
        spread = np.sqrt(cl * (1 - cl) / n) if chart in {"p", "pp"} else np.sqrt(cl / n)
        if chart in {"pp", "up"}:
            z = (y[:, base] - cl[:, base]) / spread[:, base]
            mr = np.abs(np.diff(z, axis=1))
            amr = _nanmean(mr)
            if screened:
                amr = _screened(mr, amr)
            spread = spread * (amr / D2)[:, None]
        lcl, ucl = _floor(cl - 3 * spread), cl + 3 * spread
        lcl95, ucl95 = _floor(cl - 2 * spread), cl + 2 * spread
        if chart in {"p", "pp"}:
            ucl, ucl95 = _ceiling(ucl), _ceiling(ucl95)
        return y, cl, lcl, ucl, lcl95, ucl95


def _floor(values: Matrix) -> Matrix:
    return np.where(np.isfinite(values) & (values < 0), 0.0, values)


def _ceiling(values: Matrix) -> Matrix:
    return np.where(np.isfinite(values) & (values > 1), 1.0, values)


def _runs(y: Matrix, cl: Matrix) -> dict[str, Any]:
    """Anhøj statistics of every row at once."""
    with np.errstate(invalid="ignore"):
        signs = np.sign(y - cl)
    useful = (signs != 0) & ~np.isnan(signs)
    n_useful = useful.sum(axis=1)
    rows, size = signs.shape
    # The previous useful sign of each position, carried forward over skipped points.
    index = np.where(useful, np.arange(size)[None, :], -1)
    last = np.maximum.accumulate(index, axis=1)
    previous = np.full((rows, size), -1)
    previous[:, 1:] = last[:, :-1]
    prev_sign = np.where(
        previous >= 0, np.take_along_axis(signs, np.maximum(previous, 0), axis=1), np.nan
    )
    crossing = useful & (previous >= 0) & (signs != prev_sign)
    n_crossings = crossing.sum(axis=1)
    # Run lengths: number runs within each row, count members of each.
    starts = useful & ~((previous >= 0) & (signs == prev_sign))
    run_id = np.cumsum(starts, axis=1) - 1 + (np.arange(rows) * size)[:, None]
    counts = np.bincount(run_id[useful], minlength=rows * size).reshape(rows, size)
    longest = counts.max(axis=1) if size else np.zeros(rows, dtype=int)
    table_max = np.array([0] + [longest_run_max(k) for k in range(1, size + 1)])
    table_min = np.array([0] + [n_crossings_min(k) for k in range(1, size + 1)])
    run_max = table_max[n_useful]
    cross_min = table_min[n_useful]
    signal = (n_useful > 0) & ((longest > run_max) | (n_crossings < cross_min))
    return {
        "n_useful": n_useful,
        "longest_run": longest,
        "longest_run_max": run_max,
        "n_crossings": n_crossings,
        "n_crossings_min": cross_min,
        "runs_signal": signal,
    }


def _as_rows(series: Sequence[Sequence[Any]] | None) -> list[Sequence[Any]] | None:
    if series is None:
        return None
    if isinstance(series, str | bytes) or not hasattr(series, "__len__"):
        raise SignalInputError("series", "expected a list of series")
    return list(series)


def control_charts(
    series: Sequence[Sequence[Any]],
    denominators: Sequence[Sequence[Any]] | None = None,
    *,
    chart: str,
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    screened_mr: bool = False,
) -> list[ControlChart]:
    """``control_chart`` for every series, computed together; results in the order given."""
    rows = _as_rows(series) or []
    dens = _as_rows(denominators)
    if dens is not None and len(dens) != len(rows):
        raise SignalInputError("denominators", f"has {len(dens)} series but there are {len(rows)}")
    results: list[ControlChart | None] = [None] * len(rows)
    by_length: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_length.setdefault(len(row), []).append(i)
    for length, members in by_length.items():
        prepared = []
        for i in members:
            try:
                prepared.append(
                    prepare(
                        rows[i], dens[i] if dens is not None else None, chart, freeze, part, exclude
                    )
                )
            except SignalInputError as error:
                raise SignalInputError(
                    f"series[{i + 1}].{error.field}", str(error).split(": ", 1)[1]
                ) from None
        for i, result in zip(
            members, _compute_group(prepared, length, chart, screened_mr), strict=True
        ):
            results[i] = result
    return [r for r in results if r is not None]


def _compute_group(
    prepared: list[Any], size: int, chart: str, screened: bool
) -> list[ControlChart]:
    first = prepared[0]
    y = np.vstack([p.y_plot for p in prepared]) if size else np.zeros((len(prepared), 0))
    y_sum = np.vstack([p.y_sum for p in prepared]) if size else y
    n = np.vstack([p.n_eff for p in prepared]) if size else y
    parts = first.part if size else make_parts([], 0)
    base_all = first.baseline & first.include
    include = first.include
    out = {name: np.full(y.shape, np.nan) for name in ("y", "cl", "lcl", "ucl", "lcl95", "ucl95")}
    runs_signal = np.zeros(y.shape, dtype=bool)
    part_stats = []
    edges = np.flatnonzero(np.diff(parts)) + 1
    for number, (s, e) in enumerate(
        zip([0, *edges.tolist()], [*edges.tolist(), size], strict=True), start=1
    ):
        if e <= s:
            continue
        cols = _segment(chart, y[:, s:e], y_sum[:, s:e], n[:, s:e], base_all[s:e], screened)
        for name, values in zip(out, cols, strict=True):
            out[name][:, s:e] = values
        inc = include[s:e]
        stats = _runs(cols[0][:, inc], cols[1][:, inc])
        if chart == "mr":
            stats["runs_signal"] = np.zeros(len(prepared), dtype=bool)
        runs_signal[:, s:e] = stats["runs_signal"][:, None]
        part_stats.append((number, s, e, int(inc.sum()), stats))
    for name in ("lcl", "ucl", "lcl95", "ucl95"):
        out[name][~np.isfinite(out[name])] = np.nan
    with np.errstate(invalid="ignore"):
        sigma = (out["y"] > out["ucl"]) | (out["y"] < out["lcl"])
    charts = []
    for row in range(len(prepared)):
        points = ChartPoints(
            y_plotted=out["y"][row],
            cl=out["cl"][row],
            lcl=out["lcl"][row],
            ucl=out["ucl"][row],
            lcl_95=out["lcl95"][row],
            ucl_95=out["ucl95"][row],
            part=parts,
            baseline=first.baseline,
            include=include,
            sigma_signal=sigma[row],
            runs_signal=runs_signal[row],
        )
        summaries = []
        for number, s, e, n_obs, stats in part_stats:
            useful = int(stats["n_useful"][row])
            summaries.append(
                ChartPart(
                    part=number,
                    n_obs=n_obs,
                    n_useful=useful,
                    longest_run=int(stats["longest_run"][row]) if useful else None,
                    longest_run_max=int(stats["longest_run_max"][row]) if useful else None,
                    n_crossings=int(stats["n_crossings"][row]) if useful else None,
                    n_crossings_min=int(stats["n_crossings_min"][row]) if useful else None,
                    runs_signal=bool(stats["runs_signal"][row]),
                    sigma_signal_count=int(np.count_nonzero(sigma[row, s:e])),
                )
            )
        charts.append(ControlChart(chart=chart, per_point=points, parts=summaries))
    return charts


def making_data_counts(
    series: Sequence[Sequence[Any]],
    dates: Sequence[Any] | None = None,
    *,
    improvement_direction: str,
    rebase_dates: Sequence[Any] | None = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
) -> list[MakingDataCount]:
    """``making_data_count`` for every series (sharing dates and options)."""
    return [
        making_data_count(
            row,
            dates,
            improvement_direction=improvement_direction,
            rebase_dates=rebase_dates,
            fix_after_n_points=fix_after_n_points,
            target=target,
            screen_outliers=screen_outliers,
        )
        for row in _as_rows(series) or []
    ]
