"""What each coefficient gives: its value, its confidence interval, and why either is missing.

A coefficient that cannot be computed is never NaN: ``Estimate.value`` is ``None`` and
``Estimate.note`` says why in plain words (no record graded by two readers; every grade the same,
so that chance agreement is certain and the coefficient is 0/0). A value whose interval cannot
be computed (one record, too few resamples with any variation) has ``interval`` ``None`` and the
note says why.

Two ways of making an interval at confidence level c (0.95 unless asked otherwise):

- ``t_interval``: irrCAC's (and Gwet's, 2014) interval from a linearised standard error s over
  n records: estimate ± t_((1+c)/2, n−1) · s, the upper end no higher than 1 (the lower end is
  not limited, as irrCAC leaves it).
- ``wilson``: the Wilson (1927) score interval for a proportion p̂ = x/n, with z = Φ⁻¹((1+c)/2):
  (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n); it always lies within [0, 1] and is
  used for the shares of exact and within-one agreement.

The third, the bootstrap for Krippendorff's ordinal alpha, is in ``bootstrap``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from followup.agreement.quantiles import qnorm, qt

DEFAULT_CONFIDENCE = 0.95
GWET = "gwet_linearisation"
WILSON = "wilson_score"
BOOTSTRAP = "bootstrap_percentile"

NO_PAIRS = "no record was graded by two or more readers"
ONE_RECORD = "an interval needs at least two records graded by two or more readers"


@dataclass(frozen=True)
class Interval:
    """A confidence interval, the method that made it, and what it rests on."""

    lower: float
    upper: float
    method: str
    standard_error: float | None = None
    replicates: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Estimate:
    """A coefficient: ``value`` and ``interval``, or ``None`` with ``note`` saying why."""

    value: float | None
    interval: Interval | None
    note: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Estimate:
        return cls(None, None, reason)


def check_confidence(confidence: float) -> float:
    if isinstance(confidence, bool) or not 0.5 <= confidence < 1.0:
        raise ValueError(f"confidence must be at least 0.5 and below 1, got {confidence!r}")
    return float(confidence)


def t_interval(
    value: float, variance: float, n: int, confidence: float = DEFAULT_CONFIDENCE
) -> Interval:
    """value ± t_((1+c)/2, n−1) · √variance, the upper end at most 1 (irrCAC); n ≥ 2."""
    error = math.sqrt(max(variance, 0.0))
    half = qt((1.0 + confidence) / 2.0, n - 1) * error
    return Interval(value - half, min(1.0, value + half), GWET, standard_error=error)


def with_t_interval(
    value: float,
    variance: float | None,
    n: int,
    confidence: float = DEFAULT_CONFIDENCE,
    note: str = ONE_RECORD,
) -> Estimate:
    """The estimate with its t interval; without one, and ``note``, when n < 2."""
    if n < 2 or variance is None or not math.isfinite(variance):
        return Estimate(value, None, note)
    return Estimate(value, t_interval(value, variance, n, confidence))


def wilson(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> Estimate:
    """The share successes/n with its Wilson score interval; ``None`` when n is 0."""
    if n == 0:
        return Estimate.undefined("no record was graded by both readers")
    share = successes / n
    z = qnorm((1.0 + confidence) / 2.0)
    square = z * z
    centre = (share + square / (2 * n)) / (1 + square / n)
    half = z * math.sqrt(share * (1 - share) / n + square / (4 * n * n)) / (1 + square / n)
    # At a share of 0 (or 1) the lower (or upper) end is exactly 0 (or 1); say so exactly.
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(share, Interval(lower, upper, WILSON))
