"""What the cells of an imported file may hold, checked before anything is looked up or written.

- No cell holds NUL or another control character (PostgreSQL cannot store NUL in text, and the
  others have no place in a code, a period, a number or a name); a note may hold tabs and line
  breaks. The header row is held to the same rule.
- Every text the importer writes fits its model field: a release's name, a value's status, and
  the code (a slug) of a data element it creates.
- No column name appears twice in the header row (which of the two would be read?).

Each problem names the line, the column and what was expected, like every other bad cell.
"""

from __future__ import annotations

import re
import unicodedata

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
