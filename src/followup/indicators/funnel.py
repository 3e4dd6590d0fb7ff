"""Funnel plots: comparing areas' rates or proportions, allowing for their size.

The limits are exact, from the statistics library (``followup.spc.funnel``), by the method the
indicator asks for (``Indicator.funnel_method``; docs/spc.md#funnel-plots says why the default
is what it is):

- "" (the default; also "spiegelhalter"): FunnelPlotR 0.6.0's limits, widened for overdispersion by
  Spiegelhalter's method when the areas differ more than chance alone would explain (φ > 1).
  Proportions on the arcsine scale; rates as standardised ratios with exact Poisson limits,
  shown as rates (expected count = all areas' rate × the area's population);
- "phe": PHEindicatormethods 2.0.0 (UKHSA's Fingertips): Wilson score limits for proportions,
  exact Poisson (chi-square below 10 events, Byar's method from 10) for rates; never widened.

An area's position is against the 99.8% limits that the method uses: with the Spiegelhalter
method and φ > 1, the widened ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from followup.indicators.svgchart import Chart, Line, Mark
from followup.spc.errors import SignalInputError
from followup.spc.funnel import Funnel as Computed
from followup.spc.funnel import funnel as compute
from followup.spc.funnel import on_rate_scale, phi_estimate
from followup.spc.funnel_types import LEAST_DENOMINATOR, MOST

SPIEGELHALTER, PHE = "spiegelhalter", "phe"
METHOD_CHOICES = [
    ("", "Widened when councils differ more than chance (Spiegelhalter's; the default)"),
    (PHE, "Fingertips' limits, never widened (PHEindicatormethods)"),
]
LIMITS = ("lower95", "upper95", "lower998", "upper998")
CURVE_POINTS = 120


@dataclass
class FunnelArea:
    code: str
    name: str
    numerator: float
    denominator: float
    value: float
    position: str  # "above", "below", "within" (the 99.8% limits the method uses)
    position95: str = "within"  # the same against the 95% limits


@dataclass
class Funnel:
    centre: float
    areas: list[FunnelArea]
    curve: list[dict[str, float]]  # {n, lower95, upper95, lower998, upper998}
    method: str = SPIEGELHALTER
    proportion: bool = True
    phi: float | None = None
    widened: bool = False
    # Lines that do not share one x (Fingertips' rate lines): name → ((population, limit), ...)
    lines: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)

    @property
    def limits_text(self) -> str:
        """Which limits, in words."""
        if self.method == PHE:
            kind = (
                "Wilson score limits for a proportion"
                if self.proportion
                else "exact Poisson limits for a rate (Byar's method from 10 events)"
            )
            return f"The limits are Fingertips' {kind}, as PHEindicatormethods computes them."
        kind = "limits for a proportion" if self.proportion else "exact Poisson limits for a rate"
        return f"The limits are Spiegelhalter's {kind}, as FunnelPlotR computes them."

    @property
    def dispersion_text(self) -> str:
        """Whether the councils vary more than chance, and what was done about it."""
        if self.phi is None or not math.isfinite(self.phi):
            return "The limits allow for chance alone; they are not widened for differences between councils."
        if self.method == PHE:
            if self.phi > 1:
                return (
                    "Councils differ more than chance alone would explain (overdispersion ratio "
                    f"{self.phi:.2f}); these limits are not widened for it, so more councils fall "
                    "outside them than chance would put there."
                )
            return (
                "Councils differ no more than chance alone would explain (overdispersion ratio "
                f"{self.phi:.2f}); the limits allow for chance alone."
            )
        if self.widened:
            return (
                "Councils differ more than chance alone would explain, so the limits are widened "
                f"to allow for it (overdispersion ratio {self.phi:.2f})."
            )
        return (
            "Councils differ no more than chance alone would explain "
            f"(overdispersion ratio {self.phi:.2f}), so the limits are not widened."
        )

    @property
    def meaning_text(self) -> str:
        """What an area outside the limits means."""
        allowing = ", even allowing for how much councils usually differ" if self.widened else ""
        return (
            "An area outside the 99.8% limits differs from the others by more than chance would "
            f"give for its size{allowing}: worth asking why. One inside them may still differ, "
            "but its data cannot show it."
        )


def _thin(n: np.ndarray, low: float, high: float) -> np.ndarray:
    """Indices of about CURVE_POINTS rows, evenly spread on a log scale over [low, high]."""
    inside = np.flatnonzero((n >= low) & (n <= high))
    if inside.size <= CURVE_POINTS:
        return inside
    wanted = np.geomspace(n[inside[0]], n[inside[-1]], CURVE_POINTS)
    return np.unique(inside[np.clip(np.searchsorted(n[inside], wanted), 0, inside.size - 1)])


def _curve(result: Computed, den: np.ndarray, widened: bool) -> list[dict[str, float]]:
    curve = result.curve
    limits = curve.adjusted if widened and curve.adjusted is not None else curve.limits
    keep = _thin(curve.n, float(den.min()) * 0.8, float(den.max()) * 1.1)
    columns = limits.as_dict()
    return [
        {"n": float(curve.n[i])} | {key: float(columns[key][i]) for key in LIMITS} for i in keep
    ]


def _rate_lines(result: Computed, den: np.ndarray) -> dict[str, tuple[tuple[float, float], ...]]:
    populations = result.curve.populations
    assert populations is not None
    lines = {}
    for key in LIMITS:
        xs = populations.as_dict()[key]
        ys = result.curve.limits.as_dict()[key]
        keep = (xs >= den.min() * 0.8) & (xs <= den.max() * 1.1)
        lines[key] = tuple(
            (float(x), float(y)) for x, y in sorted(zip(xs[keep], ys[keep], strict=True))
        )
    return lines


def left_out(rows: list[tuple[str, str, float, float]]) -> str:
    """Why an area's funnel is left out, in one sentence, when a figure is past the bounds the
    limits take (docs/spc.md#funnel-plots); "" when every figure is within them."""
    for _code, name, numerator, denominator in rows:
        if numerator > MOST or denominator > MOST or 0 < denominator < LEAST_DENOMINATOR:
            return (
                f"There is no funnel plot because {name}'s figures are beyond what its limits "
                "can take (counts up to 1,000,000,000), so they are probably wrong at source."
            )
    return ""


def funnel(
    rows: list[tuple[str, str, float, float]],
    *,
    factor: float,
    proportion: bool,
    method: str = SPIEGELHALTER,
) -> Funnel | None:
    """A funnel from (code, name, numerator, denominator) rows; None with fewer than 3 areas or
    figures the method cannot take (a numerator that is not a count, or above its denominator)."""
    usable = [r for r in rows if r[3] > 0]
    if len(usable) < 3:
        return None
    # Any value other than PHE (the default "", or one stored before the choices) is the default.
    method = PHE if method == PHE else SPIEGELHALTER
    kind = ("plotr_pr", "phe_proportion") if proportion else ("plotr_sr", "phe_rate")
    chosen = kind[0] if method == SPIEGELHALTER else kind[1]
    numerators = [r[2] for r in usable]
    denominators = np.array([r[3] for r in usable], dtype=float)
    try:
        result = compute(
            chosen, numerators, list(denominators), multiplier=factor, plot_points=CURVE_POINTS
        )
    except SignalInputError:
        return None
    if chosen == "plotr_sr":
        pooled = float(np.sum(numerators) / denominators.sum())
        result = on_rate_scale(result, pooled, factor)
    widened = result.widened
    phi = result.phi
    if phi is None:  # Fingertips' limits: FunnelPlotR's estimate, to say whether councils differ
        phi = phi_estimate(numerators, list(denominators), proportion=proportion)
    areas = [
        FunnelArea(code, name, num, den, float(v), position=p, position95=p95)
        for (code, name, num, den), v, p, p95 in zip(
            usable, result.value, result.position["998"], result.position["95"], strict=True
        )
    ]
    return Funnel(
        centre=result.centre,
        areas=areas,
        curve=[] if chosen == "phe_rate" else _curve(result, denominators, widened),
        method=method,
        proportion=proportion,
        phi=phi,
        widened=widened,
        lines=_rate_lines(result, denominators) if chosen == "phe_rate" else {},
    )


def _lines(result: Funnel) -> tuple[Line, ...]:
    names = {
        "upper95": ("95% limits", "inner"),
        "lower95": ("95% limits", "inner"),
        "upper998": ("99.8% limits", "limit"),
        "lower998": ("99.8% limits", "limit"),
    }
    if result.lines:
        points = {key: value for key, value in result.lines.items() if value}
    elif result.curve:
        points = {key: tuple((c["n"], c[key]) for c in result.curve) for key in names}
    else:
        return ()
    xs = [x for line in points.values() for x, _ in line]
    if not xs:
        return ()
    lines = [Line("All areas", "overall", ((min(xs), result.centre), (max(xs), result.centre)))]
    lines += [Line(names[key][0], names[key][1], points[key]) for key in names if key in points]
    return tuple(lines)


def funnel_chart(
    title: str,
    result: Funnel,
    own_code: str,
    unit: str,
    *,
    finding: str,
    caption: str,
    key: str = "funnel",
) -> Chart:
    """The funnel plot for the one renderer: every area a mark against the number it counts (log
    scale), the indicator's own area flagged, and all areas together and the 95% and 99.8% limits
    (the ones the method uses: widened when it widens them) as lines."""
    ordered = sorted(result.areas, key=lambda a: -a.value)
    return Chart(
        key=key,
        title=title,
        caption=caption,
        finding=finding,
        x_label="Number counted (log scale)",
        y_label=unit,
        marks=tuple(
            Mark(x=a.denominator, y=a.value, label=a.name, flagged=a.code == own_code)
            for a in result.areas
        ),
        lines=_lines(result),
        joined=False,
        log_x=True,
        header=("Area", unit or "Figure", "Number counted", "Against the 99.8% limits"),
        rows=tuple(
            (a.name, f"{a.value:,.2f}", f"{a.denominator:,.0f}", a.position.capitalize())
            for a in ordered
        ),
    )
