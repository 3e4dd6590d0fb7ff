"""Crawl the pages one person can reach by following links, and read the words people see.

``crawl(client, start)`` follows every same-site link (``<a href>``) from the start pages, GET
only, and gives each page's URL with the text a person reads: for HTML the text nodes (never
attributes such as ``datetime``, ``href`` or hidden inputs' values, nor scripts, styles, or
``<code>``, which shows a machine format such as a CSV column's, as it must be typed), for a
PDF its text (pdftotext), for a Word file its paragraphs and tables (python-docx). Machine formats
(CSV, XLSX, JSON, archives) are left out, as are the admin, signing out and other people's
sessions.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import docx
from django.test import Client

SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/media/")
DOCUMENT_SUFFIXES = (".pdf", ".docx")
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _Page(HTMLParser):
    """The text nodes and the links of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self._skipping += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.words.append(data.strip())


def words_of_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def words_of_pdf(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (as tests/reports does): pypdf, in Python,
    took seconds a report under coverage."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def _local(href: str, here: str) -> str | None:
    """The path (and query) a link goes to on this site, or None for another site."""
    href = urldefrag(href)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.startswith("/"):
        base = here.split("?")[0].rsplit("/", 1)[0]
        href = f"{base}/{href}"
    return href


def shape(url: str) -> str:
    """A URL with its numbers and query left out: the page it is one of."""
    return re.sub(r"\d+", "N", url.split("?")[0])


def crawl(
    client: Client,
    start: list[str],
    limit: int = 1500,
    per_shape: int | None = None,
    documents: bool = True,
) -> Iterator[tuple[str, str]]:
    """(url, words) of every page reachable from ``start`` by links, up to ``limit`` pages, and
    with ``per_shape`` up to that many of each kind of page (``shape``). Without ``documents``,
    links to PDF and Word files are not followed (each is rendered when asked for: seconds)."""
    seen = set(start)
    shapes: Counter[str] = Counter(shape(url) for url in start)
    queue = list(start)
    while queue and len(seen) <= limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "").split(";")[0]
        if kind not in (HTML, PDF, DOCX):
            continue
        # A published file is streamed (a FileResponse); a page is not.
        content = (
            b"".join(getattr(response, "streaming_content"))  # noqa: B009
            if response.streaming
            else response.content
        )
        if kind == PDF:
            yield url, words_of_pdf(content)
            continue
        if kind == DOCX:
            yield url, words_of_docx(content)
            continue
        page = _Page()
        page.feed(content.decode())
        yield url, "\n".join(page.words)
        for href in page.links:
            link = _local(href, url)
            if link is None or link in seen or link.startswith(SKIP_PREFIXES):
                continue
            if not documents and link.split("?")[0].endswith(DOCUMENT_SUFFIXES):
                continue
            if per_shape is not None and shapes[shape(link)] >= per_shape:
                continue
            shapes[shape(link)] += 1
            seen.add(link)
            queue.append(link)
