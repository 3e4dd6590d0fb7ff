"""A control chart drawn straight to SVG, for reports: small, fast and the same in page and PDF.

It draws what the indicator page's chart draws (values joined by a line, the centre line, the
control limits, an optional target) with signals marked by a square as well as by colour, so the
chart does not rely on colour alone. Every chart in a report also has its finding and data table.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

INK, GREY, SIGNAL, TARGET, GRID = "#1d3557", "#6f777b", "#d4351c", "#00703c", "#e6e6e6"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _value_range(
    rows: list[dict[str, Any]], target: float | None
) -> tuple[float, float, list[float]]:
    """The lowest and highest value the chart shows (the values, centre lines, limits and
    target, widened to the round ticks), and the ticks."""
    every = [
        v
        for r in rows
        for v in (
            _finite(r["value"]),
            _finite(r.get("cl")),
            _finite(r.get("ucl")),
            _finite(r.get("lcl")),
        )
        if v is not None
    ] + ([target] if target is not None else [])
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    ticks = _nice_ticks(low, high)
    return min(ticks[0], low), max(ticks[-1], high), ticks


def control_chart_svg(
    title: str,
    rows: list[dict[str, Any]],
    *,
    unit: str = "",
    target: float | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """The chart of ``rows`` (as ``indicators.charts.chart_rows`` gives them) as an SVG document."""
    left, right, top, bottom = 64, 16, 30, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [_finite(r["value"]) for r in rows]
    low, high, ticks = _value_range(rows, target)
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(rows), 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    # Few elements and few labels: a PDF lays out every SVG text with the full text engine.
    ticks = ticks[:: max(1, math.ceil(len(ticks) / 5))]
    grid = " ".join(f"M{left},{y(t):.1f}H{width - right}" for t in ticks)
    parts.append(f'<path d="{grid}" stroke="{GRID}" fill="none"/>')
    parts.append(f'<g fill="{GREY}" text-anchor="end">')
    parts += [f'<text x="{left - 6}" y="{y(t) + 4:.1f}">{_label(t)}</text>' for t in ticks]
    parts.append(f'</g><g fill="{GREY}" text-anchor="middle">')
    step = max(1, math.ceil(len(rows) / 6))
    shown = [i for i in range(len(rows)) if i % step == 0]
    parts += [
        f'<text x="{x(i):.1f}" y="{height - bottom + 16}">{escape(str(rows[i]["period"]))}</text>'
        for i in shown
    ]
    parts.append("</g>")
    for key, dash in (("cl", "6 3"), ("ucl", "2 3"), ("lcl", "2 3")):
        points = [(x(i), _finite(r.get(key))) for i, r in enumerate(rows)]
        path = " ".join(f"{px:.1f},{y(py):.1f}" for px, py in points if py is not None)
        if path:
            colour = INK if key == "cl" else GREY
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-dasharray="{dash}"/>'
            )
    if target is not None:
        parts.append(
            f'<path d="M{left},{y(target):.1f}H{width - right}" stroke="{TARGET}" stroke-dasharray="8 4"/>'
        )
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values) if v is not None)
    if line:
        parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    dots, squares = [], []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value is None:
            continue
        if row.get("marker") == "Signal":
            squares.append(f"M{x(i) - 5:.1f},{y(value) - 5:.1f}h10v10h-10z")
        else:
            dots.append(f"M{x(i) - 3.5:.1f},{y(value):.1f}a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0")
    if dots:
        parts.append(f'<path d="{"".join(dots)}" fill="{INK}"/>')
    if squares:
        parts.append(f'<path d="{"".join(squares)}" fill="{SIGNAL}"/>')
    parts.append("</svg>")
    return "".join(parts)


LEGEND = (
    "Dots are the values; red squares mark signals of change; the dashed line is the centre line, "
    "the dotted lines the control limits{target}."
)


def legend(target: float | None) -> str:
    """The chart's key in words, for the caption beside it."""
    return LEGEND.format(
        target=", and the green dashed line the target" if target is not None else ""
    )
