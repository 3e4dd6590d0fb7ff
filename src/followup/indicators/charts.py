"""Choosing a chart for an indicator, and drawing it: Vega-Lite rendered to SVG on the server.

The chart type follows the data, and is explained in one sentence:

- a count or measure without a denominator: an I (XmR) chart, the general-purpose chart that
  Making Data Count uses;
- a proportion (denominator, factor 100 or 1, numerator a count not above it): a P chart, or
  Laney's P′ chart when denominators average over 1,000 (large denominators make P-chart limits
  too narrow for the real variation between periods);
- a rate (denominator, per 1,000 and the like): a U chart, or U′ with large denominators.

An indicator's ``chart`` field overrides the choice.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from followup.indicators.models import Indicator
from followup.indicators.values import Point

LARGE = 1000
EXPLANATIONS = {
    "i": "An I chart (individuals and moving ranges): these are single figures without a denominator, "
    "so the limits come from how much the figure usually moves from one period to the next.",
    "p": "A P chart: this is a proportion, so each period's limits depend on how many children it counts.",
    "pp": "A P′ (Laney) chart: this is a proportion of large numbers, so the limits allow for the real "
    "variation between periods as well as chance.",
    "u": "A U chart: this is a rate, so each period's limits depend on the size of the population it counts.",
    "up": "A U′ (Laney) chart: this is a rate over large numbers, so the limits allow for the real "
    "variation between periods as well as chance.",
    "c": "A C chart: these are counts of events over equal periods.",
    "run": "A run chart: the median and Anhøj's rules, without control limits.",
}


def choose_chart(indicator: Indicator, points: list[Point]) -> str:
    if indicator.chart:
        return indicator.chart
    if indicator.denominator_id is None:
        return "i"
    sizes = [p.denominator.value for p in points if p.denominator is not None]
    large = bool(sizes) and sum(sizes) / len(sizes) > LARGE
    proportion = indicator.factor in (1, 100) and indicator.numerator.is_count
    if proportion:
        return "pp" if large else "p"
    return "up" if large else "u"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.4g}"


def chart_spec(
    title: str,
    rows: list[dict[str, Any]],
    *,
    unit: str,
    target: float | None = None,
    phase_date: str | None = None,
) -> dict[str, Any]:
    """A Vega-Lite spec: values, centre line, limits, signals marked, optional target and phase."""
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "color": "#1d3557", "strokeDash": [6, 3]},
            "encoding": {"y": {"field": "cl", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#6f777b", "strokeDash": [2, 2]},
            "encoding": {"y": {"field": "ucl", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#6f777b", "strokeDash": [2, 2]},
            "encoding": {"y": {"field": "lcl", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#1d70b8", "strokeWidth": 2},
            "encoding": {
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": unit,
                    "scale": {"zero": False},
                }
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70},
            "encoding": {
                "y": {"field": "value", "type": "quantitative"},
                "shape": {
                    "field": "marker",
                    "type": "nominal",
                    "scale": {
                        "domain": ["Usual variation", "Signal"],
                        "range": ["circle", "diamond"],
                    },
                    "title": None,
                },
                "color": {
                    "field": "marker",
                    "type": "nominal",
                    "scale": {
                        "domain": ["Usual variation", "Signal"],
                        "range": ["#1d70b8", "#d4351c"],
                    },
                    "title": None,
                },
            },
        },
    ]
    if target is not None:
        layers.append(
            {
                "mark": {"type": "rule", "color": "#00703c", "strokeWidth": 2},
                "encoding": {"y": {"datum": target}},
            }
        )
    if phase_date:
        layers.append(
            {
                "mark": {"type": "rule", "color": "#0b0c0c"},
                "encoding": {"x": {"datum": phase_date, "type": "temporal"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 260,
        "data": {"values": rows},
        "encoding": {"x": {"field": "date", "type": "temporal", "title": None}},
        "layer": layers,
        "config": {
            "font": "Arial",
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"orient": "bottom"},
        },
    }


@functools.lru_cache(maxsize=1)
def _converter() -> Any:
    import vl_convert

    return vl_convert


def render_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document, drawn on the server (the same chart serves page and PDF)."""
    svg: str = _converter().vegalite_to_svg(spec)
    return svg


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """A tiny inline SVG line of the values, decorative: the table beside it carries the figures."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
        if v is not None
    )
    return (
        f'<svg class="followup-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true" focusable="false"><polyline fill="none" stroke="#1d3557" stroke-width="2" '
        f'points="{points}"/></svg>'
    )


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def chart_rows(analysis: Any) -> list[dict[str, Any]]:
    """One row per known point of an analysis: its value, centre line, limits and signal."""
    chart = analysis.chart
    if chart is None:
        return []
    rows = []
    for i, point in enumerate(analysis.known):
        rows.append(
            {
                "date": point.start.isoformat(),
                "period": point.period,
                "value": point.value,
                "cl": _number(float(chart.per_point.cl[i])),
                "ucl": _number(float(chart.per_point.ucl[i])),
                "lcl": _number(float(chart.per_point.lcl[i])),
                "marker": "Signal" if chart.per_point.sigma_signal[i] else "Usual variation",
            }
        )
    return rows
