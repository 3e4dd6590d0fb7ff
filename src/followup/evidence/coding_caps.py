"""How many codings a source and one REFI-QDA import may hold (``MAX_CODINGS_PER_SOURCE``,
``MAX_CODINGS_PER_IMPORT``): a file with more is refused whole, before anything is written, with a
message naming the sources over the limit and the limit itself.

The count is taken twice: on the parsed project, before the schema check (which costs time in
proportion to the file's elements, so a crowded file is refused before paying for it), and on
what ``refi_import`` returns, before ``import_exchange`` writes it."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from django.conf import settings

from followup.evidence.refi import PROJECT_NS, ExchangeError

NAMED = 5


def check_codings(sources: Iterable[tuple[str, int]]) -> None:
    """Raise ``ExchangeError`` when a source, given as (name, codings), has more codings than a
    source may, or all of them together more than one import may."""
    per_source = settings.MAX_CODINGS_PER_SOURCE
    counted = list(sources)
    crowded = [(name, count) for name, count in counted if count > per_source]
    if crowded:
        named = "; ".join(f"“{name}” has {count:,}" for name, count in crowded[:NAMED])
        more = len(crowded) - NAMED
        also = f" (and {more:,} more source{'s' if more != 1 else ''})" if more > 0 else ""
        raise ExchangeError(
            f"Too many codings in a source, so nothing was imported: {named}{also}. A source may "
            f"have at most {per_source:,} codings (FOLLOWUP_MAX_CODINGS_PER_SOURCE)."
        )
    total = sum(count for _, count in counted)
    if total > settings.MAX_CODINGS_PER_IMPORT:
        raise ExchangeError(
            f"Too many codings, so nothing was imported: this file has {total:,}, and one import "
            f"may have at most {settings.MAX_CODINGS_PER_IMPORT:,} "
            "(FOLLOWUP_MAX_CODINGS_PER_IMPORT). Import its sources in smaller files."
        )


def check_code_count(count: int, existing: int = 0) -> None:
    """Raise ``ExchangeError`` when ``count`` codes more than the ``existing`` ones would take a
    partnership's codebook past ``MAX_CODES``."""
    limit = settings.MAX_CODES
    if existing + count > limit:
        held = (
            f"would add {count:,} codes to the {existing:,} in the codebook"
            if existing
            else f"has {count:,}"
        )
        raise ExchangeError(
            f"Too many codes, so nothing was imported: this file {held}, and a partnership's "
            f"codebook may have at most {limit:,} (FOLLOWUP_MAX_CODES)."
        )


def count_codes(root: ET.Element, ns: str) -> None:
    """``check_code_count`` on a parsed file's codes, before its schema is checked."""
    check_code_count(sum(1 for _ in root.iter(f"{{{ns}}}Code")))


def check_project(root: ET.Element) -> None:
    """``check_codings`` on a parsed project's text sources, before its schema is checked."""
    p = PROJECT_NS
    check_codings(
        (
            (source.get("name") or "")[:100],
            len(source.findall(f"{{{p}}}PlainTextSelection/{{{p}}}Coding")),
        )
        for source in root.iterfind(f"{{{p}}}Sources/{{{p}}}TextSource")
    )
