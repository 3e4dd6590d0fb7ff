"""How long the names and attributes a file brings in may be, and which characters a file's
cells may not hold: each is refused with a message naming the item and the field, never cut
short in silence nor shown back on a page.

The lengths are the models' own (a code's, a case's and a source's name) and the case form's
(an attribute's name and value). Plain string operations only: no regular expression runs over
an uploaded file.
"""

from __future__ import annotations

CODE_NAME_CHARS = 200  # Code.name
CASE_NAME_CHARS = 200  # Case.name
SOURCE_NAME_CHARS = 300  # Source.title
ATTRIBUTE_NAME_CHARS = 100
ATTRIBUTE_VALUE_CHARS = 200
CODE_TEXT_CHARS = 10_000  # a code's description and its memo

# Control characters a cell may not hold: all but tab, line feed and carriage return.
CONTROL = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])


def shown(text: str, chars: int = 60) -> str:
    """A long name or value as a message shows it: its start, and an ellipsis."""
    return text if len(text) <= chars else text[:chars] + "…"


def has_control(text: str) -> bool:
    """Whether the text holds a control character (a null byte, say)."""
    return not text.isprintable() and not CONTROL.isdisjoint(text)


def too_long(what: str, text: str, limit: int) -> str:
    """The refusal of a name or value over its limit: ``what`` names the item and the field."""
    return (
        f"{what} is {len(text):,} characters long; Followup keeps at most {limit:,}. "
        "Shorten it and try again"
    )
