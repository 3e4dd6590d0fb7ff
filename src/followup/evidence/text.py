"""Text as qualitative evidence: normalised once, then addressed by code-point offsets.

Normalisation (Unicode NFC, ``\\n`` line endings, no byte-order mark) happens once, when a source
is created; the text never changes afterwards, so a coding's ``start`` and ``end`` (code-point
offsets, as REFI-QDA requires) keep pointing at the same words. Python's ``str`` indexes code
points, so ``text[start:end]`` is the coded span, whatever the script or emoji.
"""

from __future__ import annotations

import re
import unicodedata
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
    spans: list[Span] = []
    position = 0
    for boundary in _SENTENCE_END.finditer(text):
        spans.extend(_trimmed(text, position, boundary.start()))
        position = boundary.end()
    spans.extend(_trimmed(text, position, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end, text[start:end])] if end > start else []


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
