"""Template filters for reports."""

from __future__ import annotations

import base64
from typing import Any

from django import template

register = template.Library()


@register.filter
def chart_data_uri(section: Any) -> str:
    """The chart drawn as SVG on the server, as a data URI for an ``img`` (page, file and PDF)."""
    return "data:image/svg+xml;base64," + base64.b64encode(section.svg().encode()).decode()
