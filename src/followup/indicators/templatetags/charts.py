"""``{% chart %}``: a chart drawn by ``svgchart`` in its figure, for pages and reports alike."""

from __future__ import annotations

import base64
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from followup.indicators.svgchart import Chart, draw

register = template.Library()


@register.inclusion_tag("includes/chart.html")
def chart(
    chart: Chart, *, finding: bool = False, table: bool = False, image: bool = False, unit: str = ""
) -> dict[str, Any]:
    """The chart's SVG in a figure with its caption.

    The SVG is inline, where screen readers read its title and description, or with ``image`` an
    ``img`` of the same SVG with the description as its ``alt`` (for the report, whose PDF tags
    an image with its alternative text, and lays an image out faster than inline SVG). ``finding``
    puts the one-line finding in the caption (where the page does not show it already) and
    ``table`` the chart's data table after it (where the page has no fuller table of the same
    figures)."""
    svg = draw(chart)
    return {
        "chart": chart,
        "svg": mark_safe(svg),  # every text in it is escaped by draw
        "data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "image": image,
        "finding": finding,
        "table": table,
        "unit": unit,
    }
