"""Counting qualitative evidence: codes by case attribute, codes together, excerpts by attribute.

Definitions (the pages and downloads say the same):

- **Codings** in a cell: the passages coded with the code in sources whose case has the value.
- **Sources** in a cell: how many different sources those passages come from. For a survey, one
  source is one respondent, so this counts people.
- **Co-occurrence** of two codes: the number of places where a passage coded with one overlaps
  (shares at least one character with) a passage coded with the other, in the same source.
- A source with no case, or whose case has no value for the attribute, counts under
  "Not recorded".
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Least, Substr

from followup.evidence.models import Case, Code, Coding, Source
from followup.evidence.queries import codebook
from followup.partnerships.models import Partnership

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Cell:
    codings: int
    sources: int


@dataclass
class Matrix:
    attribute: str
    values: list[str]
    rows: list[tuple[Code, int, list[Cell], Cell]] = field(default_factory=list)


def attributes_of(partnership: Partnership) -> dict[str, list[str]]:
    """Every case attribute of the partnership with its values, sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for attributes in Case.objects.filter(partnership=partnership).values_list(
        "attributes", flat=True
    ):
        for name, value in (attributes or {}).items():
            if value not in (None, ""):
                found[str(name)].add(str(value))
    return {name: sorted(values) for name, values in sorted(found.items())}


def _codings(
    partnership: Partnership, source_ids: Iterable[int] | None = None
) -> list[tuple[int, int, int, int, dict[str, str]]]:
    """(code, source, start, end, attributes of the source's case) for every coding."""
    query = Coding.objects.filter(source__partnership=partnership)
    if source_ids is not None:
        query = query.filter(source_id__in=set(source_ids))
    rows = query.values_list("code_id", "source_id", "start", "end", "source__case__attributes")
    return [(c, s, a, b, attrs or {}) for c, s, a, b, attrs in rows]


def matrix(partnership: Partnership, attribute: str) -> Matrix:
    """Codes (in codebook order) against the values of one case attribute."""
    values = [*attributes_of(partnership).get(attribute, []), NOT_RECORDED]
    codings: dict[tuple[int, str], int] = defaultdict(int)
    sources: dict[tuple[int, str], set[int]] = defaultdict(set)
    totals: dict[int, set[int]] = defaultdict(set)
    total_codings: dict[int, int] = defaultdict(int)
    for code, source, _start, _end, attrs in _codings(partnership):
        value = str(attrs.get(attribute) or "") or NOT_RECORDED
        codings[(code, value)] += 1
        sources[(code, value)].add(source)
        totals[code].add(source)
        total_codings[code] += 1
    result = Matrix(attribute=attribute, values=values)
    for node, depth in codebook(partnership):
        cells = [Cell(codings[(node.pk, v)], len(sources[(node.pk, v)])) for v in values]
        total = Cell(total_codings[node.pk], len(totals[node.pk]))
        result.rows.append((node, depth, cells, total))
    return result


def overlaps(spans: list[tuple[int, int, int]]) -> dict[tuple[int, int], int]:
    """For one source's codings, as (start, end, code): how many pairs of codings of two
    different codes overlap, keyed both ways round ((a, b) and (b, a) hold the same count).

    A sweep over the codings in order of start, keeping how many of each code are still open: a
    coding meets every open coding of another code, so its pairs are counted in one step per
    code open rather than one per coding. It costs time in proportion to the codings times the
    codes open at once, never the square of the codings (16,000 codings of one passage took
    minutes pairwise)."""
    open_ends: list[tuple[int, int]] = []  # (end, code) of the codings still open: a heap
    open_codes: dict[int, int] = {}  # code: how many of its codings are open
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for start, end, code in sorted(spans):
        while open_ends and open_ends[0][0] <= start:
            _, closed = heapq.heappop(open_ends)
            open_codes[closed] -= 1
            if not open_codes[closed]:
                del open_codes[closed]
        for other, count in open_codes.items():
            if other != code:
                pairs[(code, other)] += count
                pairs[(other, code)] += count
        heapq.heappush(open_ends, (end, code))
        open_codes[code] = open_codes.get(code, 0) + 1
    return pairs


def cooccurrence(
    partnership: Partnership, *, source_ids: Iterable[int] | None = None
) -> tuple[list[Code], list[list[int]]]:
    """Codes that are used, and how often each pair's passages overlap."""
    by_source: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for code, source, start, end, _ in _codings(partnership, source_ids):
        by_source[source].append((start, end, code))
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    used: set[int] = set()
    for spans in by_source.values():
        used.update(code for _, _, code in spans)
        for pair, count in overlaps(spans).items():
            pairs[pair] += count
    codes = [code for code, _ in codebook(partnership) if code.pk in used]
    table = [[pairs[(a.pk, b.pk)] if a.pk != b.pk else 0 for b in codes] for a in codes]
    return codes, table


def words_of(coding: Coding) -> str:
    """The words ``excerpts`` cut for a passage."""
    words: str = getattr(coding, "words")  # noqa: B009 - annotated by the query, not a field
    return words


def excerpts(
    partnership: Partnership,
    code: Code | None,
    filters: dict[str, str],
    *,
    longest: int | None = None,
) -> QuerySet[Coding]:
    """The passages coded with ``code`` (every code when None) in sources whose case has every
    attribute value in ``filters`` (``NOT_RECORDED`` matches a missing value), in order of source
    and place. Each carries its words as ``words`` (their first ``longest`` characters when
    given), cut from the source's text by the database: no source's whole text is read, however
    many passages it has, so a page or a streamed download of them costs what it shows."""
    query = Coding.objects.filter(source__partnership=partnership)
    if filters:
        matching = [
            source
            for source, attrs in Source.objects.filter(partnership=partnership).values_list(
                "pk", "case__attributes"
            )
            if all(
                (str((attrs or {}).get(k) or "") or NOT_RECORDED) == v for k, v in filters.items()
            )
        ]
        query = query.filter(source_id__in=matching)
    if code is not None:
        query = query.filter(code=code)
    length: Any = F("end") - F("start")
    if longest is not None:
        length = Least(length, Value(longest))
    return (
        query.select_related("source__case", "code")
        .defer("source__text")
        .annotate(words=Substr("source__text", F("start") + 1, length))
        .order_by("source__title", "start", "end", "pk")
    )
