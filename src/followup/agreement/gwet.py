"""Gwet's AC1 and AC2, any number of readers, missing grades allowed (Gwet 2014, §4 and §5).

As irrCAC computes them (the R package's ``gwet.ac1.raw`` and the Python package's
``CAC(ratings, weights, categories=scale).gwet()``, which agree). Records no reader graded are
left out; n is the number of records left, a_ik the number of readers who gave record i the
k-th of the q grades of the full scale, r_i = Σ_k a_ik, w_kl the agreement weights (identity
for AC1, quadratic 1 − (k − l)²/(q − 1)² for AC2) and T_w = Σ_kl w_kl:

    a*_ik = Σ_l w_kl a_il,   p_a,i = Σ_k a_ik (a*_ik − 1) / (r_i (r_i − 1))  where r_i ≥ 2,
    p_a = mean of p_a,i over the n₂ records with r_i ≥ 2,
    π_k = (1/n) Σ_i a_ik / r_i,   p_e = T_w / (q (q − 1)) · Σ_k π_k (1 − π_k),
    AC = (p_a − p_e) / (1 − p_e).

The variance (Gwet 2014, eq. 5.11; irrCAC with no finite-population correction), with
[r_i ≥ 2] 1 or 0:

    AC_i = (n/n₂) (p_a,i − p_e [r_i ≥ 2]) / (1 − p_e)     (p_a,i = 0 where r_i < 2),
    p_e,i = T_w / (q (q − 1)) · Σ_k a_ik (1 − π_k) / r_i,
    AC*_i = AC_i − 2 (1 − AC) (p_e,i − p_e) / (1 − p_e),
    v = Σ_i (AC*_i − AC)² / (n (n − 1)),

and the interval AC ± t_(0.975, n−1) √v, the upper end at most 1 (irrCAC's).

p_e < 1 always: Σ π_k (1 − π_k) ≤ 1 − 1/q and T_w < q² (the two ends of the scale have weight
0), so AC is defined whenever some record has two grades. Undefined: with no record graded by
two or more readers, ``None`` (irrCAC divides 0 by 0); with one graded record there is a value
but no interval.
"""

from __future__ import annotations

import numpy as np

from followup.agreement.data import FloatArray, Ratings, agreement_weights
from followup.agreement.results import (
    DEFAULT_CONFIDENCE,
    NO_PAIRS,
    Estimate,
    with_t_interval,
)

GWET_WEIGHTS = ("identity", "quadratic")
ONE_GRADED = "an interval needs at least two graded records"


def gwet_ac(
    ratings: Ratings, weights: str = "identity", confidence: float = DEFAULT_CONFIDENCE
) -> Estimate:
    """Gwet's AC1 (``weights="identity"``) or AC2 (``"quadratic"``) with irrCAC's interval."""
    if weights not in GWET_WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(GWET_WEIGHTS)}, got {weights!r}")
    counts = ratings.counts()
    counts = counts[counts.sum(axis=1) >= 1]
    return _gwet(counts, agreement_weights(ratings.q, weights), confidence)


def _gwet(counts: FloatArray, w: FloatArray, confidence: float) -> Estimate:
    n, q = counts.shape
    r = counts.sum(axis=1)
    paired = r >= 2
    n2 = int(np.sum(paired))
    if n2 == 0:
        return Estimate.undefined(NO_PAIRS)
    weighted = counts @ w.T
    sum_q = np.sum(counts * (weighted - 1.0), axis=1)
    p_a_i = np.zeros(n)
    p_a_i[paired] = sum_q[paired] / (r[paired] * (r[paired] - 1.0))
    p_a = float(np.sum(p_a_i[paired]) / n2)
    pi = np.sum(counts / r[:, None], axis=0) / n
    factor = float(np.sum(w)) / (q * (q - 1))
    p_e = factor * float(np.sum(pi * (1.0 - pi)))
    ac = (p_a - p_e) / (1.0 - p_e)
    if n < 2:
        return with_t_interval(ac, None, n, confidence, ONE_GRADED)
    ac_i = (n / n2) * (p_a_i - p_e * paired) / (1.0 - p_e)
    p_e_i = factor * (counts @ (1.0 - pi)) / r
    ac_star = ac_i - 2.0 * (1.0 - ac) * (p_e_i - p_e) / (1.0 - p_e)
    variance = float(np.sum((ac_star - ac) ** 2) / (n * (n - 1)))
    return with_t_interval(ac, variance, n, confidence)
