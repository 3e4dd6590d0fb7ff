"""Funnel plots as PHEindicatormethods 2.0.0 computes them (the method of UKHSA's Fingertips).

**Proportions.** With the average θ = ΣO/Σn and z = qnorm(0.975) or qnorm(0.999) (exact, not
rounded), the limits at n are where the Wilson score interval of a proportion with denominator n
touches θ. The package writes them (``sigma_adjustment``) as

    ( θ(n/z² + 1) ∓ √( (8θ(n/z² + 1))² − 64(1/z² + 1/n)·θ·(n(θ(n/z² + 2) − 1) + z²(θ − 1)) )/8 )
      / (1/z² + 1/n) / n

which is θ ± z√(θ(1 − θ)/n). They are not clamped for an area's significance (a negative lower
limit means no lower limit); the plotted lines are clamped to [0, 100]. An area is "High (0.001)"
above the 99.8% upper limit, "High (0.025)" above the 95% one, "Low" likewise below.

**Rates** per ``multiplier`` (crude rates, one year of data). Each area's own exact interval for
its count O is compared with the average rate r = ΣO/Σn: below 10 events by the chi-square
(``qchisq(1 − α/2, 2O, lower.tail = FALSE)/2`` below, 0 for no events;
``qchisq(1 − α/2, 2O + 2)/2`` above), from 10 by Byar's approximation
``O(1 − 1/(9O) ∓ z/(3√O))³`` below and the same with O + 1 above, each divided by n. An area is
"High" when its lower limit is above r, "Low" when its upper limit is below r. The plotted lines
are found as the package does: for a count of events, the population at which an exact Poisson
limit falls on the average (bisection on the Poisson tail to 1e-7, as in the package's
``poisson_funnel``).
"""

from __future__ import annotations

import math

import numpy as np

from followup.spc.anhoej import FloatArray
from followup.spc.funnel_types import Curve, Funnel, Limits
from followup.spc.quantiles import gamma_pq, gamma_quantile, qnorm
from followup.spc.rstats import r_sum

PROBABILITY = {"95": 0.975, "998": 0.999}
LABELS = ("High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant")


def sigma_adjustment(
    p: float, population: FloatArray, average: float, side: str, multiplier: float
) -> FloatArray:
    """PHEindicatormethods' ``sigma_adjustment``, operation for operation."""
    q2 = qnorm(p) ** 2
    first = average * (population / q2 + 1)
    adj = np.sqrt(
        (-8 * average * (population / q2 + 1)) ** 2
        - 64
        * (1 / q2 + 1 / population)
        * average
        * (population * (average * (population / q2 + 2) - 1) + q2 * (average - 1))
    )
    last = 1 / q2 + 1 / population
    result = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    out: FloatArray = (result / population) * multiplier
    return out


def _signif_chars(value: float) -> int:
    """``nchar(x)`` of a whole number as R prints it (1e+05, not 100000, when shorter)."""
    fixed = f"{value:.0f}"
    if value == 0:
        return 1
    mantissa, exponent = f"{value:.14e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    scientific = f"{mantissa}e{int(exponent):+03d}"
    return len(scientific) if len(fixed) > len(scientific) else len(fixed)


def _floor_neat(x: float) -> float:
    if x == 0:
        return 0.0
    digits = _signif_chars(math.floor(x * 0.95)) - 1
    return float(math.floor(x * 0.95 / 10.0**digits) * 10.0**digits)


def _ceiling_neat(x: float) -> float:
    if x == 0:
        return 0.0
    digits = _signif_chars(math.ceil(x * 1.05)) - 2
    return float(math.ceil(x * 1.05 / 10.0**digits) * 10.0**digits)


def _axis(den: FloatArray, rate_average: float | None) -> list[float]:
    """The 100 denominators (or counts, for rates) of the package's plotted lines."""
    low, high = float(den.min()), float(den.max())
    minimum = 0.0 if high > 2 * low else _floor_neat(low)
    maximum = _ceiling_neat(high)
    if rate_average is not None:
        minimum = float(math.floor(minimum * rate_average))
        maximum = float(math.ceil(maximum * rate_average))
    column = [max(1.0, minimum)]
    for j in range(2, 101):
        before = column[-1]
        column.append(max(float(round((maximum / before) ** (1 / (101 - j)) * before)), before + 1))
    return column


def phe_proportions(
    numerator: FloatArray, denominator: FloatArray, *, multiplier: float = 100.0
) -> Funnel:
    """``assign_funnel_significance`` and ``calculate_funnel_limits`` for proportions."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    average = r_sum(num) / r_sum(den)
    share = num / den

    def limits(n: FloatArray, scale: float) -> Limits:
        return Limits(
            lower95=sigma_adjustment(0.975, n, average, "low", scale),
            upper95=sigma_adjustment(0.975, n, average, "high", scale),
            lower998=sigma_adjustment(0.999, n, average, "low", scale),
            upper998=sigma_adjustment(0.999, n, average, "high", scale),
        )

    own = limits(den, multiplier)
    unit = limits(den, 1)
    significance = tuple(
        "Low (0.001)"
        if v < lo998
        else "Low (0.025)"
        if v < lo95
        else "High (0.001)"
        if v > hi998
        else "High (0.025)"
        if v > hi95
        else "Not significant"
        for v, lo95, hi95, lo998, hi998 in zip(
            share, unit.lower95, unit.upper95, unit.lower998, unit.upper998, strict=True
        )
    )
    grid = np.array(_axis(den, None))
    lines = limits(grid, multiplier)
    clamped = Limits(
        lower95=np.maximum(0, lines.lower95),
        upper95=np.minimum(100, lines.upper95),
        lower998=np.maximum(0, lines.lower998),
        upper998=np.minimum(100, lines.upper998),
    )
    return Funnel(
        method="phe_proportion",
        centre=average * multiplier,
        value=share * multiplier,
        limits=own,
        position=_positions(significance),
        curve=Curve(n=grid, limits=clamped),
        significance=significance,
    )


def _positions(significance: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    def at(label: str, strict: bool) -> str:
        if label.startswith("High") and (not strict or label == "High (0.001)"):
            return "above"
        if label.startswith("Low") and (not strict or label == "Low (0.001)"):
            return "below"
        return "within"

    return {
        "95": tuple(at(s, False) for s in significance),
        "998": tuple(at(s, True) for s in significance),
    }


def rate_interval(events: FloatArray, expected: FloatArray, p: float, side: str) -> FloatArray:
    """``funnel_ratio_significance(obs, expected, p, side)`` for every area."""
    statistic = np.empty(events.size)
    z = qnorm(0.5 + p / 2)
    for i, obs in enumerate(events.tolist()):
        if obs == 0 and side == "low":
            statistic[i] = 0.0
        elif obs < 10:
            if side == "low":
                statistic[i] = float(gamma_quantile(obs, 1 - (0.5 + p / 2), lower=True)[0])
            else:
                statistic[i] = float(gamma_quantile(obs + 1, 1 - (0.5 + p / 2), lower=False)[0])
        elif side == "low":
            statistic[i] = obs * (1 - 1 / (9 * obs) - z / 3 / math.sqrt(obs)) ** 3
        else:
            o = obs + 1
            statistic[i] = o * (1 - 1 / (9 * o) + z / 3 / math.sqrt(o)) ** 3
    result: FloatArray = statistic / expected
    return result


def poisson_cis(z: float, x_a: float, x_b: float) -> float:
    """The package's ``poisson_cis``: P(x_a ≤ K ≤ x_b) for K ~ Poisson(z), summed term by term
    until the terms are below 1e-10 of the total, as the package sums it."""
    q, tot, s, k = 1.0, 0.0, 0.0, 0.0
    while k <= z or q > tot * 1e-10:
        tot = tot + q
        if x_a <= k <= x_b:
            s = s + q
        if tot > 1e30:
            s, tot, q = s / 1e30, tot / 1e30, q / 1e30
        k = k + 1
        q = q * z / k
    return s / tot


def poisson_funnel(events: FloatArray, p: FloatArray, side: FloatArray) -> FloatArray:
    """The package's ``poisson_funnel`` for many (events, p, side) at once: the Poisson mean at
    which the tail beyond ``events`` has probability p ("low": P(K ≥ events) = p; otherwise
    P(K ≤ events) = p), by its bisection on v = mean/(1 + events + mean) until the step is
    below 1e-7. The tail is the exact one, except within 1e-9 of p, where the package's own
    truncated sum decides (so that every step goes the package's way)."""
    low = side == 1
    v = np.full(events.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv = dv / 2
        mean = (1 + events) * v / (1 - v)
        lower_tail, upper_tail = gamma_pq(
            np.where(low, np.maximum(events, 1e-300), events + 1), mean
        )
        at_least = np.where(events <= 0, 1.0, lower_tail)
        tail = np.where(low, at_least, upper_tail)
        for i in np.flatnonzero(np.abs(tail - p) < 1e-9):
            m, o = float(mean[i]), float(events[i])
            tail[i] = poisson_cis(m, o, 1e10) if low[i] else poisson_cis(m, 0, o)
        beyond = np.where(low, tail > p, tail < p)
        v = np.where(beyond, v - dv, v + dv)
    result: FloatArray = (1 + events) * v / (1 - v)
    return result


def phe_rates(
    numerator: FloatArray,
    denominator: FloatArray,
    *,
    multiplier: float = 1000.0,
    plot_points: int | None = None,
) -> Funnel:
    """``assign_funnel_significance`` and ``calculate_funnel_limits`` for crude rates."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    rate = num / den * multiplier
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where(num == 0, den, multiplier * num / rate)
    average = r_sum(num) / r_sum(derived)
    unit = Limits(
        lower95=rate_interval(num, derived, 0.95, "low"),
        upper95=rate_interval(num, derived, 0.95, "high"),
        lower998=rate_interval(num, derived, 0.998, "low"),
        upper998=rate_interval(num, derived, 0.998, "high"),
    )
    significance = tuple(
        "High (0.001)"
        if average < lo998
        else "High (0.025)"
        if average < lo95
        else "Low (0.001)"
        if average > hi998
        else "Low (0.025)"
        if average > hi95
        else "Not significant"
        for lo95, hi95, lo998, hi998 in zip(
            unit.lower95, unit.upper95, unit.lower998, unit.upper998, strict=True
        )
    )
    own = Limits(**{key: value * multiplier for key, value in unit.as_dict().items()})
    return Funnel(
        method="phe_rate",
        centre=average * multiplier,
        value=rate,
        limits=own,
        position=_positions(significance),
        curve=_rate_curve(derived, average, multiplier, exact=bool(plot_points)),
        significance=significance,
    )


def _rate_curve(derived: FloatArray, average: float, multiplier: float, *, exact: bool) -> Curve:
    """The package's lines: for each count of events, the population where a limit falls on
    the average; ``Curve.n`` holds the counts and ``populations`` the populations per limit.
    With ``exact`` (for drawing), the Poisson means come from the exact gamma quantiles instead
    of the package's bisection (which stops within 1e-7 of them), a hundred times faster."""
    counts = np.array(_axis(derived, average))
    size = counts.size
    every = np.tile(counts, 4)
    alpha = np.repeat([0.025, 0.001, 0.025, 0.001], size)
    side = np.repeat([0, 0, 1, 1], size)  # 1 = "low": the upper line
    if exact:
        # "low" (the upper line): P(K ≥ e) = α at mean P⁻¹(e, α); "high": P(K ≤ e) = α at Q⁻¹(e + 1, α).
        low = side == 1
        found = gamma_quantile(np.where(low, every, every + 1), alpha, lower=low)
        found = found / average
    else:
        found = poisson_funnel(every, alpha, side) / average
    pops = {
        "lower95": found[:size],
        "lower998": found[size : 2 * size],
        "upper95": found[2 * size : 3 * size],
        "upper998": found[3 * size :],
    }
    return Curve(
        n=counts,
        limits=Limits(**{key: counts / value * multiplier for key, value in pops.items()}),
        populations=Limits(**pops),
    )
