"""What the cells of an imported file may hold, checked before anything is looked up or written.

- No cell holds NUL or another control character (PostgreSQL cannot store NUL in text, and the
  others have no place in a code, a period, a number or a name); a note may hold tabs and line
  breaks. The header row is held to the same rule.
- Every text the importer writes fits its model field: a release's name, a value's status, and
  the code (a slug) of a data element it creates.
- No column name appears twice in the header row (which of the two would be read?).
- A value is a number written as a spreadsheet in the UK writes one (``parse_number``), and a
  count's value a whole number Followup holds exactly (``exact_count``).

Each problem names the line, the column and what was expected, like every other bad cell.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from django.core.validators import slug_re

from followup.indicators.models import DataElement, DataValue, Release
from followup.indicators.plan import Problem

RELEASE_NAME_LENGTH = Release._meta.get_field("name").max_length or 300
STATUS_LENGTH = DataValue._meta.get_field("status").max_length or 100
CODE_LENGTH = DataElement._meta.get_field("code").max_length or 100
# Columns of free text, where a tab or a line break is at home.
FREE_TEXT = frozenset({"note"})
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EXTRA = "\0extra"  # the reader's key for cells beyond the header row's columns
# The largest whole number a figure (a 64-bit float, in SQLite and PostgreSQL alike) holds
# exactly: 2**53 - 1. Past it, 2**53 + 1 is stored as 2**53, and a count would come back changed.
LARGEST_COUNT = 2**53 - 1
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
# What marks a number written in another locale's way, or grouped otherwise: a comma not
# between groups of three digits (12,5), a space (1 234, also no-break and thin ones), an
# underscore (1_234) or an apostrophe (1'234).
_SEPARATOR = re.compile(r"[0-9][,\s\u00a0\u202f_'][0-9]")


def shown(text: str, limit: int = 40) -> str:
    """A cell as a message quotes it: long text cut short, so a hostile cell stays readable."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def _character(char: str) -> str:
    name = "NUL" if char == "\0" else unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


def control_problem(line: int | None, column: str | None, text: str) -> Problem | None:
    """A problem when ``text`` holds a control character its column has no place for."""
    pattern = _CONTROL_IN_FREE_TEXT if column in FREE_TEXT else _ANY_CONTROL
    found = pattern.search(text)
    if found is None:
        return None
    return Problem(
        line,
        column,
        f"expected text without control characters, but the cell holds {_character(found[0])} "
        f"at character {found.start() + 1}",
    )


def header_problems(headers: list[str]) -> list[Problem]:
    """Control characters in the header row, and column names given twice."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for number, name in enumerate(headers, start=1):
        found = _ANY_CONTROL.search(name)
        if found is not None:
            problems.append(
                Problem(
                    1,
                    None,
                    f"column {number} of the header row holds {_character(found[0])}: "
                    "expected a column name without control characters",
                )
            )
            continue
        if not name:
            continue
        if name in first:
            problems.append(
                Problem(
                    1,
                    name,
                    f"the header row names the column {shown(name)} twice (columns "
                    f"{first[name]} and {number}): expected each column once",
                )
            )
        else:
            first[name] = number
    return problems


def row_problems(line: int, cells: dict[str, str]) -> list[Problem]:
    """Control characters in a row's cells (a quick test of the whole row first: most are clean)."""
    if not _ANY_CONTROL.search("".join(cells.values())):
        return []
    problems = []
    for column, text in cells.items():
        if column == EXTRA:
            continue
        problem = control_problem(line, column, text)
        if problem is not None:
            problems.append(problem)
    return problems


def release_problem(line: int | None, column: str | None, name: str) -> Problem | None:
    """A release name that is too long, or holds a control character (a form's or a command's
    release for the whole file has no column: ``column`` names where it came from)."""
    problem = control_problem(line, column, name)
    if problem is not None:
        return problem
    if len(name) > RELEASE_NAME_LENGTH:
        return Problem(
            line,
            column,
            f"expected a release name of at most {RELEASE_NAME_LENGTH} characters, "
            f"got {len(name):,}",
        )
    return None


def status_problem(line: int, column: str, status: str) -> Problem | None:
    if len(status) > STATUS_LENGTH:
        return Problem(
            line,
            column,
            f"expected a status of at most {STATUS_LENGTH} characters (such as provisional), "
            f"got {len(status):,}",
        )
    return None


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a new data element's code, or None when it can."""
    if len(code) > CODE_LENGTH:
        return f"a new data element's code has at most {CODE_LENGTH} characters, not {len(code):,}"
    if not slug_re.match(code):
        return (
            f"a new data element's code is made of letters, digits, hyphens and underscores "
            f"only, not {shown(code)}"
        )
    return None


def parse_number(text: str) -> float | None:
    """A cell's number, or None when it holds none.

    Read the same way wherever a figure comes from (the import page, ``followup import-data``,
    the API's CSV and its JSON, whose numbers reach here as text), in the dry run and the import
    alike, since both read the cell through this one function. Accepted: ASCII digits with a
    point for the decimals and an optional sign and exponent (``1234``, ``-0.5``, ``1e5``), and
    commas between groups of three digits, as a UK spreadsheet saved as CSV writes a number
    formatted with a thousands separator (``1,234`` and ``1,234,567.5`` are 1234 and
    1234567.5). Followup always read ``1,234`` as 1234, on every path; refusing it now would turn
    away files that import today, and in the UK practice Followup serves (its templates, its
    downloads, statistics.gov.scot) it can mean nothing else.

    Refused, so that no figure is ever silently misread: a comma anywhere else, other separators
    (``1 234``, ``1_234``, ``1'234``), digits of other scripts, and infinity or NaN.
    ``number_problem`` says what was expected. Before #19 every comma was dropped wherever it
    stood, in the dry run and the import alike: ``12,5`` (twelve and a half in much of Europe)
    was imported as 125, ``1,2,3,4`` as 1234."""
    text = text.strip()
    if not text.isascii() or "_" in text:
        return None  # Python's float reads 1_234 and other scripts' digits; Followup does not
    try:
        number = float(text)  # in ASCII without underscores, exactly the forms above, and inf
    except ValueError:
        if not _GROUPED.fullmatch(text):
            return None
        number = float(text.replace(",", ""))
    return number if math.isfinite(number) else None


def number_problem(text: str) -> str:
    """What was expected of a value that ``parse_number`` did not read."""
    if not text:
        return "a value is required"
    if _SEPARATOR.search(text):
        return (
            "expected a number with a point before any decimals, and commas only between groups "
            f"of three digits (such as 1234, 1,234 or 12.5), got {shown(text)}"
        )
    return f"expected a number, got {shown(text)}"


def exact_count(text: str) -> bool:
    """Whether a cell that ``parse_number`` read holds a whole number from 0 to
    ``LARGEST_COUNT``, as it is written: ``12``, ``12.0`` and ``1.2e1`` do, ``1e+23`` does not
    (stored, it would come back as 99999999999999991611392), and neither does
    ``1.0000000000000001``, which a float would round to 1."""
    text = text.strip()
    if text.isascii() and text.isdigit():  # most counts: no sign, point, comma or exponent
        return len(text) < 16 or int(text) <= LARGEST_COUNT
    number = Decimal(text.replace(",", ""))
    return number == number.to_integral_value() and 0 <= number <= LARGEST_COUNT
