"""Exact quantiles for funnel limits: the normal, the gamma and so the chi-square and Poisson.

- Normal: ``statistics.NormalDist().inv_cdf`` (Wichura's algorithm AS 241, as R's ``qnorm``).
- Regularised incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x):
  the series ``P = x^a e^(−x) / Γ(a + 1) · Σ_n x^n / ((a + 1)…(a + n))`` where x < a + 1, and
  Lentz's continued fraction for Q elsewhere (Numerical Recipes §6.2), evaluated on numpy
  arrays, summed until the terms are below 1e-17 of the total.
- The gamma quantile x with P(a, x) = p (or Q(a, x) = q for an upper tail) by Newton's method
  on log P (or log Q), started from the Wilson–Hilferty approximation and kept inside a bracket
  by bisection, until a step changes x by less than 1e-13 of itself (the next would be far smaller).
- ``qchisq(p, df) / 2`` is the gamma quantile with shape df/2; the exact Poisson limits of
  FunnelPlotR and PHEindicatormethods are written that way.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from followup.spc.anhoej import FloatArray

BoolArray = npt.NDArray[np.bool_]

_NORMAL = NormalDist()
_TINY = 1e-300
_EPS = 1e-17
_MAX_TERMS = 100_000
_CHUNK = 128


def qnorm(p: float) -> float:
    """The standard normal quantile (R's ``qnorm(p)``)."""
    return _NORMAL.inv_cdf(p)


def _log_prefactor(a: FloatArray, x: FloatArray) -> FloatArray:
    """log(x^a e^(−x) / Γ(a))."""
    lgamma = np.vectorize(math.lgamma, otypes=[float])(a)
    with np.errstate(divide="ignore"):
        result: FloatArray = a * np.log(x) - x - lgamma
    return result


def _series(a: FloatArray, x: FloatArray) -> FloatArray:
    """Σ x^n / ((a + 1)…(a + n)), n ≥ 0, times 1/a: P = prefactor · this. The terms are made
    _CHUNK at a time (running products of x/(a + n)) until the last is below 1e-17 of the sum."""
    term = 1.0 / a
    total = term.copy()
    start = 1
    while start < _MAX_TERMS:
        steps = np.arange(start, start + _CHUNK, dtype=float)
        terms = term[:, None] * np.cumprod(x[:, None] / (a[:, None] + steps[None, :]), axis=1)
        total = total + terms.sum(axis=1)
        term = terms[:, -1]
        if np.all(term <= total * _EPS):
            break
        start += _CHUNK
    return total


def _fraction(a: FloatArray, x: FloatArray) -> FloatArray:
    """Lentz's continued fraction: Q = prefactor · this."""
    b = x + 1.0 - a
    c = np.full(a.shape, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    active = np.ones(a.shape, dtype=bool)
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        delta = d * c
        h = np.where(active, h * delta, h)
        active = active & (np.abs(delta - 1.0) > _EPS * 10)
        if not active.any():
            break
    return h


def gamma_pq(a: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """P(a, x) and Q(a, x) for a > 0 and x ≥ 0, elementwise."""
    a = np.asarray(a, dtype=float)
    x = np.asarray(x, dtype=float)
    a, x = np.broadcast_arrays(a, x)
    p = np.zeros(a.shape)
    q = np.ones(a.shape)
    positive = x > 0
    low = positive & (x < a + 1.0)
    high = positive & ~low
    if low.any():
        value = np.exp(_log_prefactor(a[low], x[low])) * _series(a[low], x[low])
        p[low] = np.minimum(value, 1.0)
        q[low] = 1.0 - p[low]
    if high.any():
        value = np.exp(_log_prefactor(a[high], x[high])) * _fraction(a[high], x[high])
        q[high] = np.minimum(value, 1.0)
        p[high] = 1.0 - q[high]
    return p, q


def _start(a: FloatArray, p: FloatArray, lower: BoolArray) -> FloatArray:
    """Wilson–Hilferty, or (p·Γ(a + 1))^(1/a) deep in the lower tail of a small shape."""
    below = np.where(lower, p, 1.0 - p)
    z = np.vectorize(qnorm, otypes=[float])(below)
    cube = 1.0 - 1.0 / (9.0 * a) + z * np.sqrt(1.0 / (9.0 * a))
    guess = a * np.maximum(cube, 1e-3) ** 3
    lgamma = np.vectorize(math.lgamma, otypes=[float])(a + 1.0)
    power = np.exp((np.log(below) + lgamma) / a)
    small = (cube <= 0.1) & lower
    result: FloatArray = np.where(small, power, guess)
    return result


def gamma_quantile(
    shape: FloatArray | float, p: FloatArray | float, *, lower: BoolArray | bool = True
) -> FloatArray:
    """x with P(shape, x) = p (``lower``) or Q(shape, x) = p (upper tail), elementwise; ``p``
    and ``lower`` may be arrays too (many quantiles of different kinds in one pass).

    This is R's ``qgamma(p, shape, lower.tail = lower)``; ``qchisq(p, 2a, lower) / 2`` equals it.
    """
    a, prob, low = np.broadcast_arrays(
        np.atleast_1d(np.asarray(shape, dtype=float)),
        np.asarray(p, dtype=float),
        np.asarray(lower, dtype=bool),
    )
    a, prob, low = a.copy(), prob.copy(), low.copy()
    x = _start(a, prob, low)
    lo = np.zeros(a.shape)
    hi = np.full(a.shape, np.inf)
    active = np.arange(a.size)
    for _ in range(200):
        new, lo[active], hi[active] = _newton(
            a[active], x[active], lo[active], hi[active], prob[active], low[active]
        )
        done = np.abs(new - x[active]) <= 1e-8 * np.abs(x[active])
        x[active] = new
        active = active[~done]
        if active.size == 0:
            break
    return x


def _newton(
    a: FloatArray, x: FloatArray, lo: FloatArray, hi: FloatArray, p: FloatArray, lower: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One safeguarded Newton step on log P(a, x) = log p (or log Q): the new x and bracket.
    Deep in a tail (tiny shapes) the density can overflow or x underflow: such a step is not
    finite, and the bracket's bisection takes it instead."""
    pv, qv = gamma_pq(a, x)
    tail = np.where(lower, pv, qv)
    with np.errstate(all="ignore"):
        g = np.log(tail) - np.log(p)
        # P increases with x; Q decreases: past the root, x is the bracket's new upper end.
        too_far = np.where(lower, g > 0, g < 0)
        hi = np.where(too_far, np.minimum(hi, x), hi)
        lo = np.where(too_far, lo, np.maximum(lo, x))
        density = np.exp(_log_prefactor(a, x)) / x
        slope = np.where(lower, density / tail, -density / tail)
        step = np.where(np.isfinite(g) & (slope != 0), g / slope, np.nan)
        proposal = x - step
    bisect = np.where(np.isfinite(hi), (lo + hi) / 2.0, np.maximum(2.0 * x, 1.0))
    outside = ~np.isfinite(proposal) | (proposal < lo) | (proposal > hi)
    return np.where(outside, bisect, proposal), lo, hi
