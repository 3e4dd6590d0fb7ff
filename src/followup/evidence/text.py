"""Text as qualitative evidence: normalised once, then addressed by code-point offsets.

Normalisation (Unicode NFC, ``\\n`` line endings, no byte-order mark) happens once, when a source
is created; the text never changes afterwards, so a coding's ``start`` and ``end`` (code-point
offsets, as REFI-QDA requires) keep pointing at the same words. Python's ``str`` indexes code
points, so ``text[start:end]`` is the coded span, whatever the script or emoji.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


def normalise(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Span]:
    """The text cut into sentences (and lines): spans without their surrounding whitespace."""
    return [Span(start, end, text[start:end]) for start, end in _bounds(text)]


def _bounds(text: str, position: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, as ``sentences`` finds them, without copying the words;
    from ``position``, which must be where a sentence or a piece of one begins."""
    for boundary in _SENTENCE_END.finditer(text, position):
        end = boundary.start()
        # Most sentences need no trimming: yield them without a generator's cost per sentence.
        if position < end and not text[position].isspace() and not text[end - 1].isspace():
            yield position, end
        else:
            yield from _trimmed(text, position, end)
        position = boundary.end()
    yield from _trimmed(text, position, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _pieces(text: str, longest: int, position: int = 0) -> Iterator[tuple[int, int]]:
    """The sentences, with one longer than ``longest`` cut into pieces (at a space in the second
    half of each piece where there is one, else at ``longest``), from ``position`` (where a
    sentence or a piece begins: a later piece of a long sentence is cut as it was from its
    sentence's start, since each cut depends only on where its piece begins)."""
    for start, end in _bounds(text, position):
        if end - start <= longest:  # most sentences: already trimmed, and short enough
            yield start, end
            continue
        while end - start > longest:
            cut = text.rfind(" ", start + longest // 2, start + longest)
            cut = cut if cut > start else start + longest
            yield from _trimmed(text, start, cut)
            start = cut
            while start < end and text[start].isspace():
                start += 1
        yield from _trimmed(text, start, end)


# A page of a source's text: at most this many characters, and this many sentences.
PAGE_CHARACTERS = 10_000
PAGE_SENTENCES = 200


@dataclass(frozen=True)
class TextPage:
    number: int  # from 1, at most ``count``
    count: int
    start: int  # the page's window of the text: text[start:end]
    end: int
    sentences: list[Span]


def page_starts(
    text: str, *, characters: int = PAGE_CHARACTERS, most: int = PAGE_SENTENCES
) -> list[int]:
    """Where each page of the text begins (the first at 0): the text cut into pages of whole
    sentences, at most ``characters`` characters and ``most`` sentences each, a longer sentence
    cut into pieces. One pass over the text, so in proportion to its length; a text never
    changes once stored, so its pages' starts may be kept and ``text_page`` given them."""
    starts, pieces, first = [0], 0, -1  # the current page's pieces and its first's start
    for start, stop in _pieces(text, characters):
        if pieces and (pieces >= most or stop - first > characters):
            starts.append(start)
            pieces = 0
        if not pieces:
            first = start
        pieces += 1
    return starts


def text_page(
    text: str,
    number: int,
    *,
    characters: int = PAGE_CHARACTERS,
    most: int = PAGE_SENTENCES,
    starts: list[int] | None = None,
) -> TextPage:
    """Page ``number`` (the last if there are fewer, the first if below 1) of the text cut into
    pages as ``page_starts`` cuts it. Given the pages' ``starts`` (made with the same
    ``characters`` and ``most``), only that page's window of the text is read, so a page of a
    long text costs time and memory in proportion to a page; without them they are found
    first, in one pass over the text."""
    if starts is None:
        starts = page_starts(text, characters=characters, most=most)
    count = len(starts)
    number = max(1, min(number, count))
    window_start = starts[number - 1]
    window_end = starts[number] if number < count else len(text)
    found: list[Span] = []
    for start, stop in _pieces(text, characters, window_start):
        if start >= window_end:
            break
        found.append(Span(start, stop, text[start:stop]))
    return TextPage(number, count, window_start, window_end, found)


# A run of this many characters with no safe place to cut is refused when positions are mapped.
_WINDOW = 256


def _cuts_cleanly(text: str, index: int) -> bool:
    """Whether NFC(text[:index] + rest) == NFC(text[:index]) + NFC(rest) for any rest starting at
    ``index``: the character there never combines with what comes before it. True of every
    character below U+0300 (no canonical composition ends in one, and none is a combining mark),
    and of CJK ideographs and Hangul syllables."""
    if index >= len(text):
        return True
    code = ord(text[index])
    return code < 0x300 or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7A3


def normalised_offsets(raw: str, positions: set[int]) -> dict[int, int]:
    """Where each position of ``raw`` lands in ``normalise(raw)``: ``len(normalise(raw[:p]))``,
    computed in one pass over the text (never once per position), so a long text with many
    positions costs time in proportion to its length. Raises ``ValueError`` for a position inside
    a run of more than 256 characters that combine with one another (no real text has one)."""
    if normalise(raw) == raw:
        return {position: position for position in positions}
    wanted = sorted(positions)
    lead = len(raw) - len(raw.lstrip("\ufeff"))
    stripped = raw[lead:]
    # Line endings: each CRLF wholly before a position takes one character away.
    pairs: list[int] = []
    at = stripped.find("\r\n")
    while at >= 0:
        pairs.append(at + 1)  # the index of the LF
        at = stripped.find("\r\n", at + 2)
    lines = stripped.replace("\r\n", "\n").replace("\r", "\n")
    after_lines: list[tuple[int, int]] = []
    removed = 0
    for position in wanted:
        inner = max(0, position - lead)
        while removed < len(pairs) and pairs[removed] < inner:
            removed += 1
        after_lines.append((position, inner - removed))
    if unicodedata.is_normalized("NFC", lines):
        return dict(after_lines)
    # Composition: cut the text only where a character never combines with what precedes it.
    result: dict[int, int] = {}
    cut, cut_length = 0, 0
    for position, inner in after_lines:
        boundary = inner
        while boundary > cut and not _cuts_cleanly(lines, boundary):
            if inner - boundary > _WINDOW:
                raise ValueError(
                    f"position {position} is inside a run of more than {_WINDOW} combining "
                    "characters"
                )
            boundary -= 1
        if boundary > cut:
            cut_length += len(unicodedata.normalize("NFC", lines[cut:boundary]))
            cut = boundary
        result[position] = cut_length + len(unicodedata.normalize("NFC", lines[cut:inner]))
    return result
