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


def funnel_spec(
    title: str, result: Funnel, own_code: str, unit: str, own_label: str = "This partnership"
) -> dict[str, object]:
    """Vega-Lite: the limits as lines, the centre, and every area as a point (the indicator's
    own marked, and named ``own_label`` in the legend)."""
    points = [
        {
            "n": a.denominator,
            "value": a.value,
            "area": a.name,
            "which": own_label if a.code == own_code else "Other areas",
        }
        for a in result.areas
    ]
    line = lambda field, dash: {  # noqa: E731
        "data": {"values": result.curve},
        "mark": {"type": "line", "color": "#6f777b", "strokeDash": dash},
        "encoding": {
            "x": {
                "field": "n",
                "type": "quantitative",
                "scale": {"type": "log"},
                "title": "Number counted (log scale)",
            },
            "y": {"field": field, "type": "quantitative"},
        },
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 300,
        "layer": [
            line("upper998", [2, 2]),
            line("lower998", [2, 2]),
            line("upper95", [6, 3]),
            line("lower95", [6, 3]),
            {
                "mark": {"type": "rule", "color": "#1d3557"},
                "encoding": {"y": {"datum": result.centre}},
            },
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {"field": "n", "type": "quantitative", "scale": {"type": "log"}},
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": unit,
                        "scale": {"zero": False},
                    },
                    "color": {
                        "field": "which",
                        "type": "nominal",
                        "scale": {
                            "domain": [own_label, "Other areas"],
                            "range": ["#d4351c", "#1d70b8"],
                        },
                        "title": None,
                    },
                    "shape": {
                        "field": "which",
                        "type": "nominal",
                        "scale": {
                            "domain": [own_label, "Other areas"],
                            "range": ["diamond", "circle"],
                        },
                        "title": None,
                    },
                },
            },
        ],
        "config": {"font": "Arial", "legend": {"orient": "bottom"}},
    }
