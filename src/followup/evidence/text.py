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
