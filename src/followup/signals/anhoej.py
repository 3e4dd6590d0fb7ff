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
    cumulative = 0
    for k in range(m + 1):
        cumulative += math.comb(m, k)
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


def runs_analysis(y: FloatArray, cl: FloatArray) -> RunsResult:
    """Anhøj's rules on the points given (the included points of one part, in time order)."""
    with np.errstate(invalid="ignore"):
        signs = np.sign(y - cl)
    useful = signs[(signs != 0) & ~np.isnan(signs)]
    n_useful = int(useful.size)
    if n_useful == 0:
        return RunsResult(int(y.size), 0, None, None, None, None, False)
    changes = np.flatnonzero(useful[1:] != useful[:-1])
    n_crossings = int(changes.size)
    bounds = np.concatenate(([-1], changes, [n_useful - 1]))
    longest = int(np.max(np.diff(bounds)))
    run_max = longest_run_max(n_useful)
    cross_min = n_crossings_min(n_useful)
    return RunsResult(
        n_obs=int(y.size),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=run_max,
        n_crossings=n_crossings,
        n_crossings_min=cross_min,
        runs_signal=longest > run_max or n_crossings < cross_min,
    )
