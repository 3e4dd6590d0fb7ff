"""Choosing a chart for an indicator, and describing it for the one renderer, ``svgchart``.

The chart type follows the data, and is explained in one sentence:

- a count or measure without a denominator: an I (XmR) chart, the general-purpose chart that
  Making Data Count uses;
- a proportion (denominator, factor 100 or 1, numerator a count not above it): a P chart, or
  Laney's P′ chart when denominators average over 1,000 (large denominators make P-chart limits
  too narrow for the real variation between periods);
- a rate (denominator, per 1,000 and the like): a U chart, or U′ with large denominators.

An indicator's ``chart`` field overrides the choice. ``indicator_chart`` describes the chart of an
analysis once, for the indicator page and the reports alike; ``svgchart.draw`` draws it.
"""

from __future__ import annotations

import math
from typing import Any

from followup.indicators.models import Indicator
from followup.indicators.svgchart import Chart, Line, Mark
from followup.indicators.values import Point
from followup.lib.dates import period as period_words

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


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def key_in_words(*, run: bool, limits: bool, target: bool, split: bool) -> str:
    """The chart's key in words, for its caption and its text alternative."""
    parts = ["Blue line: the figures", f"dashed: the {'median' if run else 'centre line'}"]
    if limits:
        parts.append("dotted: the control limits; red diamonds: figures outside them")
    if target:
        parts.append("green long dashes: the target")
    if split:
        parts.append("upright line: the split at the inspection's publication")
    return "; ".join(parts) + "."


def indicator_chart(
    analysis: Any, rows: list[dict[str, Any]] | None = None, *, explain: bool = True
) -> Chart:
    """The chart of an analysis over time, as the indicator page and the reports show it.

    ``rows`` are ``chart_rows(analysis)`` when the caller has them already.
    """
    indicator = analysis.indicator
    rows = chart_rows(analysis) if rows is None else rows
    run = analysis.chart_type == "run"
    split = analysis.split_after or None
    marks = tuple(
        Mark(
            x=i,
            y=float(r["value"]),
            label=period_words(r["period"]),
            flagged=r["marker"] == "Signal",
        )
        for i, r in enumerate(rows)
    )

    def line(name: str, style: str, field: str) -> Line | None:
        points: list[tuple[float, float | None]] = []
        for i, r in enumerate(rows):
            if split is not None and i == split:
                points.append((i - 0.5, None))  # each phase has its own line
            points.append((i, r[field]))
        return Line(name, style, tuple(points)) if any(r[field] is not None for r in rows) else None

    lines = [
        line("Median" if run else "Centre line", "centre", "cl"),
        line("Control limits", "limit", "ucl"),
        line("Control limits", "limit", "lcl"),
    ]
    if indicator.target is not None and rows:
        target = float(indicator.target)
        lines.append(Line("Target", "target", ((-0.5, target), (len(rows) - 0.5, target))))
    shown = tuple(item for item in lines if item is not None)
    limits = any(item.style == "limit" for item in shown)
    caption = key_in_words(
        run=run, limits=limits, target=indicator.target is not None, split=split is not None
    )
    if explain and analysis.explanation:
        caption += " " + analysis.explanation
    return Chart(
        key=f"chart-{indicator.pk}",
        title=f"{indicator.name}, {indicator.area.name}",
        caption=caption,
        finding=analysis.finding,
        x_label="",
        y_label=indicator.unit,
        marks=marks,
        lines=shown,
        split_at=None if split is None else split - 0.5,
        header=("Period", indicator.unit or "Figure", "Centre line", "Limits", "Signal"),
        rows=tuple(
            (
                period_words(r["period"]),
                _figure(r["value"]),
                _figure(r["cl"]),
                f"{_figure(r['lcl'])} to {_figure(r['ucl'])}" if r["lcl"] is not None else "",
                "Signal" if r["marker"] == "Signal" else "",
            )
            for r in rows
        ),
    )
