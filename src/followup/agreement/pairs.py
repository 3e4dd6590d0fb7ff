"""Two readers: agreement over the records both graded, and Cohen's kappa.

Over the n records both readers graded (the complete pairs; a record either left ungraded is
left out), with x_i and y_i the positions of the two grades on the scale of q grades:

- ``exact`` = #{x_i = y_i} / n and ``within_one`` = #{|x_i − y_i| ≤ 1} / n, each with its
  Wilson score interval (``results.wilson``);
- the confusion matrix: q × q counts, row k and column l the records reader 1 graded k and
  reader 2 graded l, over the full scale (scikit-learn's ``confusion_matrix(labels=scale)``);
- Cohen's kappa, unweighted, linear and quadratic, as scikit-learn's
  ``cohen_kappa_score(labels=scale, weights=...)``: with the disagreement weights
  d_kl = 0/1 (unweighted), |k − l| (linear) or (k − l)² (quadratic) over the full scale,
  p_k and p′_l the shares of reader 1's and reader 2's grades,

      κ = 1 − D_o / D_e,  D_o = (1/n) Σ_i d(x_i, y_i),  D_e = Σ_kl p_k p′_l d_kl.

  With the agreement weights w_kl = 1 − d_kl / max d (irrCAC's identity, linear and quadratic
  weights), p_a = 1 − D_o / max d and p_e = 1 − D_e / max d, κ = (p_a − p_e) / (1 − p_e): Cohen's
  kappa is irrCAC's Conger's kappa for two readers with the same weights (Conger 1980;
  Gwet 2014, §3), and the point estimates agree to 1e-15.

The interval is irrCAC's for Conger's kappa (``conger.raw``; Gwet 2014): with
p_e,i = ½ (Σ_k w(k, x_i) p′_k + Σ_k w(k, y_i) p_k) record i's share of chance agreement,

    κ_i = (w(x_i, y_i) − p_e) / (1 − p_e),   κ*_i = κ_i − 2 (1 − κ) (p_e,i − p_e) / (1 − p_e),
    v = Σ_i (κ*_i − κ)² / (n (n − 1)),        κ ± t_(0.975, n−1) √v, the upper end at most 1.

Undefined: with no complete pair every figure is ``None``; when both readers gave every record
one and the same grade, D_e = 0 (chance agreement is certain) and kappa is ``None`` (scikit-learn
gives NaN); with one complete pair kappa may be defined but has no interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from followup.agreement.data import FloatArray, IntArray, Ratings, agreement_weights
from followup.agreement.results import (
    DEFAULT_CONFIDENCE,
    Estimate,
    wilson,
    with_t_interval,
)

KAPPA_WEIGHTS = ("unweighted", "linear", "quadratic")
NO_COMPLETE_PAIR = "no record was graded by both readers"
ONE_PAIR = "an interval needs at least two records graded by both readers"
ONE_GRADE = (
    "both readers gave every record they both graded one and the same grade, so agreement by "
    "chance is certain and kappa is 0/0"
)


@dataclass(frozen=True)
class PairAgreement:
    """Two readers over the records both graded."""

    n_pairs: int
    exact: Estimate
    within_one: Estimate
    confusion: IntArray
    kappa: dict[str, Estimate]


def complete_pairs(ratings: Ratings) -> tuple[IntArray, IntArray]:
    """The positions on the scale of both readers' grades, for the records both graded."""
    first, second = ratings.codes[0], ratings.codes[1]
    both = (first >= 0) & (second >= 0)
    return first[both], second[both]


def confusion_matrix(first: IntArray, second: IntArray, q: int) -> IntArray:
    """Counts over the full scale: row k, column l = records graded k by reader 1, l by 2."""
    flat = np.bincount(first * q + second, minlength=q * q)
    return flat.reshape(q, q).astype(np.int64)


def cohen_kappa(
    first: IntArray,
    second: IntArray,
    q: int,
    weights: str = "unweighted",
    confidence: float = DEFAULT_CONFIDENCE,
) -> Estimate:
    """Cohen's kappa of two readers' complete pairs, with irrCAC's Conger interval."""
    if weights not in KAPPA_WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(KAPPA_WEIGHTS)}, got {weights!r}")
    n = int(first.size)
    if n == 0:
        return Estimate.undefined(NO_COMPLETE_PAIR)
    agree = agreement_weights(q, weights)
    positions = np.arange(q, dtype=float)
    steps = np.abs(positions[:, None] - positions[None, :])
    disagree = {"unweighted": (steps > 0).astype(float), "linear": steps, "quadratic": steps**2}
    d = disagree[weights]
    p_first = np.bincount(first, minlength=q) / n
    p_second = np.bincount(second, minlength=q) / n
    observed = float(np.mean(d[first, second]))
    expected = float(p_first @ d @ p_second)
    if expected <= 0.0:
        return Estimate.undefined(ONE_GRADE)
    kappa = 1.0 - observed / expected
    variance = _conger_variance(first, second, agree, p_first, p_second, kappa)
    return with_t_interval(kappa, variance, n, confidence, ONE_PAIR)


def _conger_variance(
    first: IntArray,
    second: IntArray,
    agree: FloatArray,
    p_first: FloatArray,
    p_second: FloatArray,
    kappa: float,
) -> float | None:
    """irrCAC's variance of Conger's kappa for two readers with no missing grade."""
    n = first.size
    if n < 2:
        return None
    p_e = float(p_first @ agree @ p_second)
    chance_i = 0.5 * ((agree @ p_second)[first] + (agree @ p_first)[second])
    kappa_i = (agree[first, second] - p_e) / (1.0 - p_e)
    kappa_star = kappa_i - 2.0 * (1.0 - kappa) * (chance_i - p_e) / (1.0 - p_e)
    return float(np.sum((kappa_star - kappa) ** 2) / (n * (n - 1)))


def two_readers(ratings: Ratings, confidence: float = DEFAULT_CONFIDENCE) -> PairAgreement:
    """Everything measured between the two readers of ``ratings`` (which has exactly two)."""
    if ratings.n_readers != 2:
        raise ValueError(f"two readers are needed, got {ratings.n_readers}")
    first, second = complete_pairs(ratings)
    n = int(first.size)
    steps = np.abs(first - second)
    return PairAgreement(
        n_pairs=n,
        exact=wilson(int(np.sum(steps == 0)), n, confidence),
        within_one=wilson(int(np.sum(steps <= 1)), n, confidence),
        confusion=confusion_matrix(first, second, ratings.q),
        kappa={
            kind: cohen_kappa(first, second, ratings.q, kind, confidence) for kind in KAPPA_WEIGHTS
        },
    )
