"""Wide tables scroll sideways inside their own box, never the whole page.

Every GOV.UK table on a page is put inside a scroll region (``followup-scroll``: a ``div`` with
``overflow-x: auto``) that a keyboard can reach and a screen reader names: ``tabindex="0"``,
``role="region"`` and an ``aria-label`` taken from the table's caption. Done once here, for every
page, so that no template has to remember it and a page is usable at 320 px wide without
JavaScript. A table already inside such a region is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape, strip_tags

TABLE = re.compile(r'<table class="govuk-table[^"]*"[^>]*>.*?</table>', re.DOTALL)
CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL)
WRAPPED = re.compile(r'<div class="followup-scroll"[^>]*>\s*$')


def _label(table: str) -> str:
    caption = CAPTION.search(table)
    words = " ".join(unescape(strip_tags(caption.group(1))).split()) if caption else ""
    return words or "Table"


def wrap_tables(html: str) -> str:
    """The page with each GOV.UK table not yet in a scroll region put inside one."""
    parts: list[str] = []
    done = 0
    for match in TABLE.finditer(html):
        before = html[done : match.start()]
        parts.append(before)
        table = match.group(0)
        if WRAPPED.search(html, max(0, match.start() - 200), match.start()):
            parts.append(table)
        else:
            label = escape(_label(table))
            parts.append(
                f'<div class="followup-scroll" tabindex="0" role="region" aria-label="{label}">'
                f"{table}</div>"
            )
        done = match.end()
    parts.append(html[done:])
    return "".join(parts)


class ScrollingTablesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or b"govuk-table" not in response.content
        ):
            return response
        charset = response.charset or "utf-8"
        response.content = wrap_tables(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
