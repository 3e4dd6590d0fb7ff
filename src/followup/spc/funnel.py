"""Funnel plots: which limits, for which kind of figure, by which reference method.

Four methods, each agreeing with its R reference to a relative tolerance of 1e-9:

- ``plotr_pr``: proportions, FunnelPlotR 0.6.0 "PR" (arcsine limits, with Spiegelhalter's
  overdispersion adjustment used when φ > 1); ``followup.spc.funnel_plotr``;
- ``plotr_sr``: rates as standardised ratios, FunnelPlotR "SR" with the SHMI adjustment
  (exact Poisson limits; expected count = average rate × denominator);
- ``phe_proportion``: proportions, PHEindicatormethods 2.0.0 (Wilson score limits);
  ``followup.spc.funnel_phe``;
- ``phe_rate``: rates, PHEindicatormethods (exact Poisson: chi-square below 10 events, Byar's
  method from 10).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from followup.spc.errors import SignalInputError
from followup.spc.funnel_phe import phe_proportions, phe_rates
from followup.spc.funnel_plotr import overdispersion, plotr_funnel
from followup.spc.funnel_types import Curve, Funnel, Limits, checked_pair
from followup.spc.funnel_types import counts as counts_of
from followup.spc.rstats import r_sum

METHODS = ("plotr_pr", "plotr_sr", "phe_proportion", "phe_rate")
PROPORTION_METHODS = {"plotr_pr", "phe_proportion"}


def funnel(
    method: str,
    numerator: Sequence[float],
    denominator: Sequence[float],
    *,
    multiplier: float,
    expected: Sequence[float] | None = None,
    trim_by: float = 0.1,
    plot_points: int | None = None,
) -> Funnel:
    """The funnel of one set of areas by ``method`` (one of ``METHODS``).

    For ``plotr_sr`` the result is on the scale of the standardised ratio O/E (centre 1), with
    E = ``expected`` or, when left out, the pooled rate × each denominator; ``on_rate_scale``
    turns it into a rate per ``multiplier``. ``plot_points`` asks for rate lines meant for
    drawing (see ``plotr_funnel`` and ``phe_rates``) instead of the packages' own, which are
    exact but slow: the per-area numbers are the same either way.
    """
    if method not in METHODS:
        raise SignalInputError("method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    # Extreme but allowed inputs may overflow on the way to a limit that is then not finite (and
    # written as null): that is the answer, not something to warn about on standard error.
    with np.errstate(all="ignore"):
        return _funnel(method, numerator, denominator, multiplier, expected, trim_by, plot_points)


def _funnel(
    method: str,
    numerator: Sequence[float],
    denominator: Sequence[float],
    multiplier: float,
    expected: Sequence[float] | None,
    trim_by: float,
    plot_points: int | None,
) -> Funnel:
    proportion = method in PROPORTION_METHODS
    num, den = checked_pair(numerator, denominator, proportion=proportion)
    if method == "plotr_pr":
        return plotr_funnel(num, den, data_type="PR", multiplier=multiplier, trim_by=trim_by)
    if method == "phe_proportion":
        return phe_proportions(num, den, multiplier=multiplier)
    if method == "phe_rate":
        return phe_rates(num, den, multiplier=multiplier, plot_points=plot_points)
    if expected is None:
        centre = r_sum(num) / r_sum(den)
        counts = centre * den
    else:
        counts = counts_of(expected, "expected", positive=True)
        if counts.size != num.size:
            raise SignalInputError(
                "expected", f"expected {num.size} values, one per numerator, got {counts.size}"
            )
    return plotr_funnel(
        num, counts, data_type="SR", multiplier=1.0, trim_by=trim_by, plot_points=plot_points
    )


def phi_estimate(
    numerator: Sequence[float], denominator: Sequence[float], *, proportion: bool
) -> float:
    """FunnelPlotR's overdispersion ratio φ for these areas ("PR" for a proportion, otherwise
    "SR" with expected count = the pooled rate × each denominator), without computing limits:
    for saying whether areas differ more than chance when the limits are PHE's, never widened."""
    num, den = checked_pair(numerator, denominator, proportion=proportion)
    with np.errstate(all="ignore"):
        if proportion:
            return overdispersion(num, den, data_type="PR")
        return overdispersion(num, r_sum(num) / r_sum(den) * den, data_type="SR")


def on_rate_scale(result: Funnel, pooled: float, multiplier: float) -> Funnel:
    """A ``plotr_sr`` funnel as rates per ``multiplier``: every ratio × the pooled rate
    (ΣO/Σn) × ``multiplier``; the curve's x becomes the population, E / pooled rate. An area is
    outside the rate limits exactly when it is outside the ratio limits."""
    if result.method != "plotr_sr":
        return result
    centre_rate = pooled * multiplier

    def scaled(limits: Limits | None) -> Limits | None:
        if limits is None:
            return None
        return Limits(**{k: v * centre_rate for k, v in limits.as_dict().items()})

    plain = scaled(result.curve.limits)
    assert plain is not None
    return Funnel(
        method=result.method,
        centre=result.centre * centre_rate,
        value=result.value * centre_rate,
        limits=scaled(result.limits) or result.limits,
        position=result.position,
        curve=Curve(
            n=result.curve.n / pooled, limits=plain, adjusted=scaled(result.curve.adjusted)
        ),
        z=result.z,
        z_winsorised=result.z_winsorised,
        unadjusted=scaled(result.unadjusted),
        adjusted=scaled(result.adjusted),
        phi=result.phi,
        tau2=result.tau2,
        adjusted_used=result.adjusted_used,
        unadjusted_position=result.unadjusted_position,
    )


__all__ = ["METHODS", "Funnel", "funnel", "on_rate_scale", "phi_estimate"]
