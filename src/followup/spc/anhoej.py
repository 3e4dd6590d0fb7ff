"""Anhøj's rules for non-random variation in a run chart (as in qicharts2 0.8.1).

Given the signs of the useful observations (points not on the centre line and not missing):

- ``longest_run``: the longest block of consecutive equal signs;
- ``n_crossings``: the number of sign changes between neighbours (runs − 1);
- ``longest_run_max = round(log2(n_useful)) + 3`` (Schilling 2012);
- ``n_crossings_min = qbinom(0.05, n_useful − 1, 0.5)``: the smallest k with
  P(X ≤ k) ≥ 0.05 for X ~ Binomial(n_useful − 1, ½) (Chen 2010);
- a runs signal when ``longest_run > longest_run_max`` or ``n_crossings < n_crossings_min``.

With no useful observations every statistic is undefined (None) and there is no signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def longest_run_max(n_useful: int) -> int:
    """``round(log2(n)) + 3``. log2 of a whole number is never k + ½, so rounding is exact."""
    return math.floor(math.log2(n_useful) + 0.5) + 3


@lru_cache(maxsize=4096)
def n_crossings_min(n_useful: int) -> int:
    """``qbinom(0.05, n_useful − 1, ½)``, computed exactly in integers.

    P(X ≤ k) ≥ 0.05 ⇔ 20 · Σ_{i≤k} C(m, i) ≥ 2^m with m = n_useful − 1. Equality cannot occur
    (5 never divides 2^m), so no floating-point tie-breaking is involved.
    """
    m = max(n_useful - 1, 0)
    total = 1 << m
    term = 1  # C(m, k), from C(m, k − 1) · (m − k + 1) / k: exact, and cheaper than comb anew
    cumulative = 0
    for k in range(m + 1):
        if k:
            term = term * (m - k + 1) // k
        cumulative += term
        if 20 * cumulative >= total:
            return k
    return m  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class RunsResult:
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool


def runs_rows(y: FloatArray, cl: FloatArray) -> dict[str, Any]:
    """Anhøj's rules for every row of a matrix at once (rows are series, NaN for missing)."""
    with np.errstate(invalid="ignore"):
        signs = np.sign(y - cl)
    useful = (signs != 0) & ~np.isnan(signs)
    n_useful = useful.sum(axis=1)
    rows, size = signs.shape
    # The previous useful sign of each position, carried forward over points that are skipped.
    index = np.where(useful, np.arange(size)[None, :], -1)
    last = np.maximum.accumulate(index, axis=1) if size else index
    previous = np.full((rows, size), -1)
    previous[:, 1:] = last[:, :-1]
    prev_sign = np.where(
        previous >= 0, np.take_along_axis(signs, np.maximum(previous, 0), axis=1), np.nan
    )
    same = (previous >= 0) & (signs == prev_sign)
    n_crossings = (useful & (previous >= 0) & ~same).sum(axis=1)
    run_id = np.cumsum(useful & ~same, axis=1) - 1 + (np.arange(rows) * max(size, 1))[:, None]
    counts = np.bincount(run_id[useful], minlength=rows * max(size, 1)).reshape(rows, max(size, 1))
    longest = counts.max(axis=1)
    # The limits for each number of useful points that occurs (not for every number up to the
    # series' length: each costs time in proportion to the square of that number).
    run_max = np.zeros_like(n_useful)
    cross_min = np.zeros_like(n_useful)
    for k in np.unique(n_useful[n_useful > 0]):
        run_max[n_useful == k] = longest_run_max(int(k))
        cross_min[n_useful == k] = n_crossings_min(int(k))
    return {
        "n_useful": n_useful,
        "longest_run": longest,
        "longest_run_max": run_max,
        "n_crossings": n_crossings,
        "n_crossings_min": cross_min,
        "runs_signal": (n_useful > 0) & ((longest > run_max) | (n_crossings < cross_min)),
    }


def runs_analysis(y: FloatArray, cl: FloatArray) -> RunsResult:
    """Anhøj's rules on the points given (the included points of one part, in time order)."""
    stats = runs_rows(y[None, :], cl[None, :])
    useful = int(stats["n_useful"][0])
    if useful == 0:
        return RunsResult(int(y.size), 0, None, None, None, None, False)
    return RunsResult(
        n_obs=int(y.size),
        n_useful=useful,
        longest_run=int(stats["longest_run"][0]),
        longest_run_max=int(stats["longest_run_max"][0]),
        n_crossings=int(stats["n_crossings"][0]),
        n_crossings_min=int(stats["n_crossings_min"][0]),
        runs_signal=bool(stats["runs_signal"][0]),
    )
