"""Funnel plots: comparing areas' rates or proportions, allowing for their size.

With every area's numerator y_i and denominator n_i at one period, the centre is the pooled
value θ = Σy / Σn. Control limits at a denominator n are

- proportions: θ ± z·√(θ(1 − θ)/n)  (binomial), clipped to [0, 1];
- rates:       θ ± z·√(θ/n)         (Poisson), the lower clipped at 0;

with z = 1.96 (95%) and z = 3.09 (99.8%), the levels used in UK public-health funnel plots. All
are multiplied by the indicator's factor (100 for a percentage). An area beyond the 99.8% limits
differs from the others by more than chance would give for its size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from followup.indicators.svgchart import Chart, Line, Mark

Z95, Z998 = 1.96, 3.09


@dataclass
class FunnelArea:
    code: str
    name: str
    numerator: float
    denominator: float
    value: float
    position: str  # "above", "below", "within" (the 99.8% limits)


@dataclass
class Funnel:
    centre: float
    areas: list[FunnelArea]
    curve: list[dict[str, float]]  # {n, lower95, upper95, lower998, upper998}


def limits(
    theta: float, n: np.ndarray, z: float, proportion: bool
) -> tuple[np.ndarray, np.ndarray]:
    spread = np.sqrt(theta * (1 - theta) / n) if proportion else np.sqrt(theta / n)
    lower, upper = theta - z * spread, theta + z * spread
    lower = np.maximum(lower, 0.0)
    if proportion:
        upper = np.minimum(upper, 1.0)
    return lower, upper


def funnel(
    rows: list[tuple[str, str, float, float]], *, factor: float, proportion: bool
) -> Funnel | None:
    """A funnel from (code, name, numerator, denominator) rows; None with fewer than 3 areas."""
    usable = [r for r in rows if r[3] > 0]
    if len(usable) < 3:
        return None
    numerators = np.array([r[2] for r in usable])
    denominators = np.array([r[3] for r in usable])
    theta = float(numerators.sum() / denominators.sum())
    low, high = limits(theta, denominators, Z998, proportion)
    values = numerators / denominators
    areas = [
        FunnelArea(
            code=code,
            name=name,
            numerator=num,
            denominator=den,
            value=float(v * factor),
            position="above" if v > hi else "below" if v < lo else "within",
        )
        for (code, name, num, den), v, lo, hi in zip(usable, values, low, high, strict=True)
    ]
    grid = np.geomspace(max(denominators.min() * 0.8, 1e-9), denominators.max() * 1.1, 80)
    l95, u95 = limits(theta, grid, Z95, proportion)
    l998, u998 = limits(theta, grid, Z998, proportion)
    curve = [
        {
            "n": float(n),
            "lower95": float(a * factor),
            "upper95": float(b * factor),
            "lower998": float(c * factor),
            "upper998": float(d * factor),
        }
        for n, a, b, c, d in zip(grid, l95, u95, l998, u998, strict=True)
    ]
    return Funnel(centre=theta * factor, areas=areas, curve=curve)


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
    as lines."""
    curve = result.curve
    xs = [c["n"] for c in curve]

    def line(name: str, style: str, field: str) -> Line:
        return Line(name, style, tuple((x, c[field]) for x, c in zip(xs, curve, strict=True)))

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
        lines=(
            Line("All areas", "overall", ((xs[0], result.centre), (xs[-1], result.centre))),
            line("95% limits", "inner", "upper95"),
            line("95% limits", "inner", "lower95"),
            line("99.8% limits", "limit", "upper998"),
            line("99.8% limits", "limit", "lower998"),
        )
        if curve
        else (),
        joined=False,
        log_x=True,
        header=("Area", unit or "Figure", "Number counted"),
        rows=tuple((a.name, f"{a.value:,.2f}", f"{a.denominator:,.0f}") for a in ordered),
    )
