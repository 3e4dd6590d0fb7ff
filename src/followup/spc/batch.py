"""Many series at once: a dashboard of hundreds of indicators in one call.

``control_charts`` takes many series sharing one chart type and one set of options and computes
them together with whole-array operations (``qic`` works on matrices, one row per series; a
single chart is a one-row matrix, so both give identical results). Series of different lengths
are grouped by length. Give numpy arrays (NaN for a missing value) for the fastest path; lists
are checked value by value. ``making_data_counts`` does the same for Making Data Count charts
sharing their dates and options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from followup.spc.anhoej import FloatArray
from followup.spc.errors import SignalInputError
from followup.spc.mdc import MakingDataCount, making_data_count_rows
from followup.spc.qic import CHARTS, ControlChart, compute, prepare, to_floats


def _matrix(series: Any, name: str) -> list[FloatArray]:
    if isinstance(series, np.ndarray) and series.ndim == 2 and series.dtype.kind in "fiu":
        return list(series.astype(np.float64))
    if series is None or isinstance(series, str | bytes) or not hasattr(series, "__len__"):
        raise SignalInputError(name, "expected a list of series")
    return [to_floats(row, f"{name}[{i + 1}]") for i, row in enumerate(series)]


def _grouped(rows: list[FloatArray]) -> dict[int, list[int]]:
    by_length: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_length.setdefault(row.size, []).append(i)
    return by_length


def _namer(members: list[int]) -> Callable[[int, str], str]:
    return lambda row, field: f"series[{members[row] + 1}].{field}"


def control_charts(
    series: Sequence[Sequence[Any]] | FloatArray,
    denominators: Sequence[Sequence[Any]] | FloatArray | None = None,
    *,
    chart: str,
    freeze: int | None = None,
    part: int | Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    screened_mr: bool = False,
) -> list[ControlChart]:
    """``control_chart`` for every series, computed together; results in the order given."""
    if chart not in CHARTS:
        raise SignalInputError("chart", f"expected one of {', '.join(CHARTS)}, got {chart!r}")
    rows = _matrix(series, "series")
    dens = _matrix(denominators, "denominators") if denominators is not None else None
    if dens is not None and len(dens) != len(rows):
        raise SignalInputError("denominators", f"has {len(dens)} series but there are {len(rows)}")
    results: list[ControlChart | None] = [None] * len(rows)
    for length, members in _grouped(rows).items():
        y = np.vstack([rows[i] for i in members]) if length else np.zeros((len(members), 0))
        n = None
        if dens is not None:
            for i in members:
                if dens[i].size != length:
                    raise SignalInputError(
                        f"series[{i + 1}].n", f"has {dens[i].size} values but y has {length}"
                    )
            n = np.vstack([dens[i] for i in members]) if length else np.zeros((len(members), 0))
        prepared = prepare(y, n, chart, freeze, part, exclude, where=_namer(members))
        for i, result in zip(members, compute(prepared, screened_mr), strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def making_data_counts(
    series: Sequence[Sequence[Any]] | FloatArray,
    dates: Sequence[Any] | None = None,
    *,
    improvement_direction: str,
    rebase_dates: Sequence[Any] | None = None,
    fix_after_n_points: int | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
) -> list[MakingDataCount]:
    """``making_data_count`` for every series; all series share the dates and options."""
    rows = _matrix(series, "series")
    if not rows:
        return []
    lengths = {row.size for row in rows}
    if len(lengths) > 1:
        raise SignalInputError("series", "every series must have the same length as the dates")
    return making_data_count_rows(
        np.vstack(rows),
        dates,
        improvement_direction=improvement_direction,
        rebase_dates=rebase_dates,
        fix_after_n_points=fix_after_n_points,
        target=target,
        screen_outliers=screen_outliers,
    )
