"""Krippendorff's alpha, ordinal and interval, any number of readers, missing grades allowed.

As the krippendorff package (0.9) computes ``alpha(reliability_data, value_domain=scale,
level_of_measurement=...)`` (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
Only the records graded by two or more readers count (the pairable ones). With a_uk the number
of readers who gave record u the k-th grade of the full scale and r_u = Σ_k a_uk:

    coincidences  o_ck = Σ_u (a_uc a_uk − [c = k] a_uc) / (r_u − 1)    (records with r_u ≥ 2),
    n_c = Σ_k o_ck,   n = Σ_c n_c,   expected  e_ck = (n_c n_k − [c = k] n_c) / (n − 1),
    alpha = 1 − Σ_ck o_ck δ²_ck / Σ_ck e_ck δ²_ck,

with the distances δ²_ck over the scale's grades v_1 < … < v_q:

- interval: δ²_ck = (v_c − v_k)²;
- ordinal: δ²_ck = (Σ_(g = min(c,k))^(max(c,k)) n_g − (n_c + n_k)/2)², which depends on how often
  each grade was given, not on the grades' values.

Intervals:

- interval alpha: Gwet's (2014, §6.5) linearised variance, as irrCAC's ``krippendorff()`` with
  quadratic weights w_kl = 1 − (k − l)²/(q − 1)² computes it (its point estimate is this alpha,
  to 1e-15). Over the n pairable records, r̄ = mean r_u, ε = 1 / Σ r_u, a*_uk = Σ_l w_kl a_ul:

      p′_a = (1/n) Σ_u Σ_k a_uk (a*_uk − 1) / (r̄ (r_u − 1)),   p_a = (1 − ε) p′_a + ε,
      π_k = (1/n) Σ_u a_uk / r̄,   p_e = Σ_kl w_kl π_k π_l,   alpha′ = (p′_a − p_e) / (1 − p_e),
      p_a,u = Σ_k a_uk (a*_uk − 1) / (r̄ (r_u − 1)) − p_a (r_u − r̄) / r̄,
      p_e,u = Σ_k a_uk π̄_k / r̄ − p_e (r_u − r̄) / r̄,   π̄_k = Σ_l (w_kl + w_lk) π_l / 2,
      alpha*_u = (p_a,u − p_e) / (1 − p_e) − 2 (1 − alpha′) (p_e,u − p_e) / (1 − p_e),
      v = Σ_u (alpha*_u − alpha′)² / (n (n − 1)),   alpha ± t_(0.975, n−1) √v, at most 1.

- ordinal alpha: no reference has an interval (irrCAC's "ordinal" weights are another metric),
  so a seeded percentile bootstrap over the pairable records (``bootstrap``).

Undefined: with no record graded by two or more readers alpha is ``None`` (the package raises
ValueError); when every pairable grade is the same, Σ e δ² = 0 and alpha is ``None`` (the package
gives NaN); with one pairable record there is no interval.
"""

from __future__ import annotations

import numpy as np

from followup.agreement.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED, bootstrap_interval
from followup.agreement.data import FloatArray, Ratings, agreement_weights
from followup.agreement.results import (
    DEFAULT_CONFIDENCE,
    NO_PAIRS,
    ONE_RECORD,
    Estimate,
    with_t_interval,
)

LEVELS = ("ordinal", "interval")
NO_VARIATION = (
    "every grade given to the records graded by two or more readers is the same, so there is "
    "no disagreement to expect by chance and alpha is 0/0"
)


def unit_coincidences(counts: FloatArray) -> FloatArray:
    """n × q × q: each pairable record's coincidences (a_u a_uᵀ − diag a_u) / (r_u − 1)."""
    r = counts.sum(axis=1)
    q = counts.shape[1]
    products = counts[:, :, None] * counts[:, None, :] - counts[:, None, :] * np.eye(q)
    result: FloatArray = products / (r - 1.0)[:, None, None]
    return result


def distances(coincidences: FloatArray, level: str, values: FloatArray) -> FloatArray:
    """δ²_ck for each stack of coincidence matrices (… × q × q)."""
    if level == "interval":
        return np.broadcast_to((values[:, None] - values[None, :]) ** 2, coincidences.shape)
    n_v = coincidences.sum(axis=-2)
    q = n_v.shape[-1]
    low = np.minimum(np.arange(q)[:, None], np.arange(q)[None, :])
    high = np.maximum(np.arange(q)[:, None], np.arange(q)[None, :])
    cumulative = np.cumsum(n_v, axis=-1)
    between = cumulative[..., high] - cumulative[..., low] + n_v[..., low]
    result: FloatArray = (between - (n_v[..., :, None] + n_v[..., None, :]) / 2.0) ** 2
    return result


def alpha_of(coincidences: FloatArray, level: str, values: FloatArray) -> FloatArray:
    """Alpha of each coincidence matrix in a stack (… × q × q); NaN where Σ e δ² = 0."""
    n_v = coincidences.sum(axis=-2)
    total = n_v.sum(axis=-1)
    q = n_v.shape[-1]
    expected = (n_v[..., :, None] * n_v[..., None, :] - n_v[..., None, :] * np.eye(q)) / (
        total - 1.0
    )[..., None, None]
    delta = distances(coincidences, level, values)
    observed_d = np.sum(coincidences * delta, axis=(-2, -1))
    expected_d = np.sum(expected * delta, axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(expected_d > 0.0, 1.0 - observed_d / expected_d, np.nan)
    return result


def _gwet_variance(counts: FloatArray, w: FloatArray) -> float | None:
    """Gwet's variance of alpha (irrCAC's), over the pairable records' counts."""
    n = counts.shape[0]
    if n < 2:
        return None
    r = counts.sum(axis=1)
    r_mean = float(np.mean(r))
    epsilon = 1.0 / float(np.sum(r))
    sum_q = np.sum(counts * (counts @ w.T - 1.0), axis=1)
    p_a_prime = float(np.sum(sum_q / (r_mean * (r - 1.0)))) / n
    p_a = (1.0 - epsilon) * p_a_prime + epsilon
    pi = counts.sum(axis=0) / (n * r_mean)
    p_e = float(pi @ w @ pi)
    alpha_prime = (p_a_prime - p_e) / (1.0 - p_e)
    p_a_u = sum_q / (r_mean * (r - 1.0)) - p_a * (r - r_mean) / r_mean
    pi_w = (w @ pi + w.T @ pi) / 2.0
    p_e_u = counts @ pi_w / r_mean - p_e * (r - r_mean) / r_mean
    alpha_u = (p_a_u - p_e) / (1.0 - p_e)
    alpha_star = alpha_u - 2.0 * (1.0 - alpha_prime) * (p_e_u - p_e) / (1.0 - p_e)
    return float(np.sum((alpha_star - alpha_prime) ** 2) / (n * (n - 1)))


def krippendorff_alpha(
    ratings: Ratings,
    level: str = "ordinal",
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> Estimate:
    """Krippendorff's alpha at ``level`` ("ordinal" or "interval") with its interval."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    counts = ratings.counts()
    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[0] == 0:
        return Estimate.undefined(NO_PAIRS)
    values = np.asarray(ratings.scale, dtype=np.float64)
    units = unit_coincidences(counts)
    value = float(alpha_of(units.sum(axis=0), level, values))
    if not np.isfinite(value):
        return Estimate.undefined(NO_VARIATION)
    if level == "interval":
        variance = _gwet_variance(counts, agreement_weights(ratings.q, "quadratic"))
        return with_t_interval(value, variance, counts.shape[0], confidence)
    if counts.shape[0] < 2:
        return Estimate(value, None, ONE_RECORD)
    interval, note = bootstrap_interval(
        units,
        lambda stack: alpha_of(stack, "ordinal", values),
        confidence=confidence,
        replicates=replicates,
        seed=seed,
    )
    return Estimate(value, interval, note)
