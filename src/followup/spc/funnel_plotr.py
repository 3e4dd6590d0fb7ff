"""Funnel plots as FunnelPlotR 0.6.0 draws them, with Spiegelhalter's overdispersion adjustment.

For areas i = 1…k with numerator O_i and denominator n_i (for standardised ratios, the expected
count E_i), z = 1.959964 (95%) and 3.090232 (99.8%), as the package rounds them:

**Proportions ("PR")**, on the arcsine square-root scale. θ = ΣO/Σn, s_i = 1/(2√n_i),
z_i = (asin√(O_i/n_i) − asin√θ)/s_i. Limits at n: sin²(asin√θ ± z·√(1/(4n) + τ²)) × multiplier,
truncated to [0, multiplier]; and, as the package does on its lookup table of 1,000 denominators
from 3 to the largest (R's ``seq(3, ceiling(max n), length.out = 1000)``, with the areas' own
denominators added), a lower limit above the next row's is set to 0 and an upper limit below the
next row's to the multiplier (the arcsine limits are not monotone at small n).

**Standardised ratios ("SR", SHMI method)**, O/E against 1. z_i = √E_i·log(O_i/E_i),
s_i = 1/√E_i. Unadjusted limits are exact Poisson: ``qchisq(α/2, 2E)/2/E`` below and
``qchisq(1 − α/2, 2(E + 1))/2/E`` above. Adjusted: exp(±z·√(1/E + τ²)).

**Overdispersion.** PR: the z-scores are winsorised at their 10th and 90th percentiles (R's
``quantile`` type 7). SR: instead the areas whose rank r (ties averaged) has
⌊r·10/(k + 1)⌋ equal to 0 or 9 are dropped (SHMI's 10% trimming). With the m z-scores left,
φ = Σz²/m, and by DerSimonian and Laird, with w_i = 1/s_i² over the same areas,
τ² = max(0, (mφ − (m − 1)) / (Σw − Σw²/Σw)), or 0 when mφ < m − 1. The adjusted limits decide
an area's position only when φ > 1; otherwise the package falls back to the unadjusted limits.

An area is within when lower ≤ value ≤ upper, above when value > upper, below when value < lower.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from followup.spc.anhoej import FloatArray
from followup.spc.errors import SignalInputError
from followup.spc.funnel_types import LEVELS, PLOTR_Z, Curve, Funnel, Limits, positions
from followup.spc.quantiles import gamma_quantile
from followup.spc.rstats import r_sum

LOOKUP_ROWS = 1000


def r_seq(start: float, stop: float, length: int) -> FloatArray:
    """R's ``seq(start, stop, length.out = length)``: start + i·((stop − start)/(length − 1))."""
    if start == stop:
        return np.full(length, float(start))
    step = (stop - start) / (length - 1)
    middle = start + np.arange(1, length - 1, dtype=float) * step
    return np.concatenate(([float(start)], middle, [float(stop)]))


def r_quantile7(values: FloatArray, prob: float) -> float:
    """R's ``quantile(x, prob, type = 7)``, as R 4.2 computes it."""
    x = np.sort(values[~np.isnan(values)])
    index = 1 + max(x.size - 1, 0) * prob
    lo = math.floor(index)
    hi = math.ceil(index)
    q = float(x[lo - 1])
    if index > lo and x[hi - 1] != q:
        h = index - lo
        q = (1 - h) * q + h * float(x[hi - 1])
    return q


def r_rank(values: FloatArray) -> FloatArray:
    """R's ``rank(x, ties.method = "average")`` (−Inf ranks first)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    ranks = np.empty(values.size)
    start = 0
    while start < values.size:
        end = start
        while end + 1 < values.size and ordered[end + 1] == ordered[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def dispersion(
    z: FloatArray, s: FloatArray, *, trim: bool, trim_by: float
) -> tuple[FloatArray, float, float]:
    """The z-scores used (NaN where trimmed), φ and τ²; see the module's docstring."""
    if trim:
        k = 1 / trim_by
        ranks = r_rank(z)
        groups = np.floor(ranks * k / (ranks.size + 1))
        kept = (groups > 0) & (groups < k - 1)
        used = np.where(kept, z, np.nan)
    else:
        lz = r_quantile7(z, trim_by)
        uz = r_quantile7(z, 1 - trim_by)
        used = np.where(z < lz, lz, np.where(z > uz, uz, z))
    present = ~np.isnan(used)
    m = float(present.sum())
    with np.errstate(invalid="ignore", over="ignore"):
        phi = (1 / m) * r_sum(used[present] ** 2) if m else math.nan
    s_used = s[present]
    if s_used.size == 0 or m * phi < m - 1:
        return used, phi, 0.0
    w = 1 / (s_used * s_used)
    sw = r_sum(w)
    with np.errstate(invalid="ignore", over="ignore"):
        tau2 = max(0.0, (m * phi - (m - 1)) / (sw - r_sum(w * w) / sw))
    return used, phi, tau2


def _pr_limits(n: FloatArray, target: float, tau2: float, multiplier: float) -> Limits:
    s = 1 / (2 * np.sqrt(n))
    centre = math.asin(math.sqrt(target))
    out: dict[str, FloatArray] = {}
    for level in LEVELS:
        z = PLOTR_Z[level]
        spread = z * np.sqrt(s * s + tau2)
        lower = multiplier * np.sin(centre - spread) ** 2
        upper = multiplier * np.sin(centre + spread) ** 2
        lower = np.where(lower < 0, 0.0, lower)
        upper = np.where(upper > multiplier, float(multiplier), upper)
        lower[:-1] = np.where(lower[:-1] > lower[1:], 0.0, lower[:-1])
        upper[:-1] = np.where(upper[:-1] < upper[1:], float(multiplier), upper[:-1])
        out[f"lower{level}"], out[f"upper{level}"] = lower, upper
    return Limits(**out)


def _sr_limits(expected: FloatArray, tau2: float, multiplier: float, *, adjusted: bool) -> Limits:
    if adjusted:
        out: dict[str, FloatArray] = {}
        for level in LEVELS:
            spread = PLOTR_Z[level] * np.sqrt((1 / expected) + tau2)
            out[f"lower{level}"] = multiplier * np.exp(-spread)
            out[f"upper{level}"] = multiplier * np.exp(spread)
        return Limits(**out)
    # The four exact Poisson limits in one pass: lower 95%, upper 95%, lower 99.8%, upper 99.8%.
    size = expected.size
    shapes = np.concatenate((expected, expected + 1, expected, expected + 1))
    alphas = np.repeat([0.025, 0.025, 0.001, 0.001], size)
    lower = np.repeat([True, False, True, False], size)
    found = gamma_quantile(shapes, alphas, lower=lower).reshape(4, size)
    limits = multiplier * 1.0 * found / expected
    return Limits(lower95=limits[0], upper95=limits[1], lower998=limits[2], upper998=limits[3])


def _lookup(n: FloatArray, first: float) -> FloatArray:
    grid = r_seq(first, float(math.ceil(n.max())), LOOKUP_ROWS)
    return np.unique(np.concatenate((grid, n)))


def _at(grid: FloatArray, limits: Limits, n: FloatArray) -> Limits:
    index = np.searchsorted(grid, n)
    return Limits(**{key: value[index] for key, value in limits.as_dict().items()})


def _z_scores(
    num: FloatArray, den: FloatArray, data_type: str
) -> tuple[float, FloatArray, FloatArray]:
    """The target, each area's z-score on the transformed scale and its standard error."""
    with np.errstate(divide="ignore"):
        if data_type == "PR":
            target = r_sum(num) / r_sum(den)
            s = 1 / (2 * np.sqrt(den))
            z = (np.arcsin(np.sqrt(num / den)) - math.asin(math.sqrt(target))) / s
        else:
            target = 1.0
            s = 1 / np.sqrt(den)
            z = np.sqrt(den) * np.log(num / den)
    return target, z, s


def overdispersion(
    numerator: FloatArray, denominator: FloatArray, *, data_type: str, trim_by: float = 0.1
) -> float:
    """FunnelPlotR's φ alone, without limits: whether areas differ more than chance (φ > 1),
    for limits that are never widened (Fingertips'). Arguments as for ``plotr_funnel``."""
    _, z, s = _z_scores(numerator, denominator, data_type)
    return dispersion(z, s, trim=data_type == "SR", trim_by=trim_by)[1]


def plotr_funnel(
    numerator: Sequence[float] | FloatArray,
    denominator: Sequence[float] | FloatArray,
    *,
    data_type: str = "PR",
    multiplier: float = 100.0,
    trim_by: float = 0.1,
    plot_points: int | None = None,
) -> Funnel:
    """FunnelPlotR's ``funnel_plot`` for "PR" (proportions; ``denominator`` the count of
    cases) or "SR" (standardised ratios, SHMI method; ``denominator`` the expected count).

    The curve is the package's own lookup table (1,000 rows and the areas' denominators), unless
    ``plot_points`` asks for SR lines of about that many points spread on a log scale over the
    areas' range, for drawing: the exact Poisson limits cost far more than the arcsine ones, and
    SR limits at a denominator do not depend on the other rows (PR limits do, through the
    package's monotone truncation, so PR always uses the package's table)."""
    if data_type not in {"PR", "SR"}:
        raise SignalInputError("data_type", f"expected PR or SR, got {data_type!r}")
    if not 0 < trim_by < 0.5:
        raise SignalInputError("trim_by", f"expected a number between 0 and 0.5, got {trim_by!r}")
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    value = num / den * multiplier
    target, z, s = _z_scores(num, den, data_type)
    used, phi, tau2 = dispersion(z, s, trim=data_type == "SR", trim_by=trim_by)
    if data_type == "SR" and plot_points:
        drawn = np.geomspace(float(den.min()) * 0.8, float(den.max()) * 1.1, plot_points)
        grid = np.unique(np.concatenate((drawn, den)))
    else:
        grid = _lookup(den, 3.0 if data_type == "PR" else 1.1)
    if data_type == "PR":
        plain = _pr_limits(grid, target, 0.0, multiplier)
        widened = _pr_limits(grid, target, tau2, multiplier)
    else:
        plain = _sr_limits(grid, tau2, multiplier, adjusted=False)
        widened = _sr_limits(grid, tau2, multiplier, adjusted=True)
    unadjusted, adjusted = _at(grid, plain, den), _at(grid, widened, den)
    adjusted_used = bool(phi > 1)
    unadjusted_position = {lv: positions(value, *unadjusted.level(lv)) for lv in LEVELS}
    position = (
        {lv: positions(value, *adjusted.level(lv)) for lv in LEVELS}
        if adjusted_used
        else unadjusted_position
    )
    return Funnel(
        method=f"plotr_{data_type.lower()}",
        centre=target * multiplier,
        value=value,
        limits=adjusted if adjusted_used else unadjusted,
        position=position,
        curve=Curve(n=grid, limits=plain, adjusted=widened),
        z=z,
        z_winsorised=used,
        unadjusted=unadjusted,
        adjusted=adjusted,
        phi=phi,
        tau2=tau2,
        adjusted_used=adjusted_used,
        unadjusted_position=unadjusted_position,
    )
