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


def _bounds(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, as ``sentences`` finds them, without copying the words."""
    position = 0
    for boundary in _SENTENCE_END.finditer(text):
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


def _pieces(text: str, longest: int) -> Iterator[tuple[int, int]]:
    """The sentences, with one longer than ``longest`` cut into pieces (at a space in the second
    half of each piece where there is one, else at ``longest``)."""
    for start, end in _bounds(text):
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


def text_page(
    text: str,
    number: int,
    *,
    characters: int = PAGE_CHARACTERS,
    most: int = PAGE_SENTENCES,
) -> TextPage:
    """Page ``number`` (the last if there are fewer) of the text cut into pages of whole
    sentences, at most ``characters`` characters and ``most`` sentences each; a longer sentence
    is cut into pieces. Found in one pass over the text, keeping only that page's sentences, so
    a long text costs time in proportion to its length and memory in proportion to a page."""
    count, pieces, first = 1, 0, -1  # the current page: its number, pieces, first start
    window_start, window_end = 0, len(text)  # the wanted page's window
    found: list[tuple[int, int]] = []
    for start, stop in _pieces(text, characters):
        if pieces and (pieces >= most or stop - first > characters):
            if count == number:
                window_end = start
            count, pieces = count + 1, 0
            if count <= number:
                window_start, found = start, []
        if not pieces:
            first = start
        pieces += 1
        if count <= number:
            found.append((start, stop))
    number = max(1, min(number, count))
    return TextPage(
        number=number,
        count=count,
        start=window_start,
        end=window_end,
        sentences=[Span(a, b, text[a:b]) for a, b in found],
    )


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
