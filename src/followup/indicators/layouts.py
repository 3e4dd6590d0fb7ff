"""The two layouts the importer reads, as rows of raw cells (docs/data-import.md).

- **tidy**: ``area_code, period, data_element, value`` and optionally ``release, status, note``,
  and no other column: a column the layout does not read (``staus``, ``notes``, ``Status``)
  would lose its cells without a word, so it is refused, naming it (``tidy_column_problems``);
- **statistics.gov.scot**: a download with ``FeatureCode, DateCode, Measurement, Units, Value``,
  its dimension columns and optionally ``DataMarker``; a mapping file says which combination of
  measurement, units and dimension values is which data element, and how to read DateCode.
  Other columns are the download's own (its dimensions) and are read only as the mapping
  matches on them; a column the mapping matches on that the file lacks is refused, naming it
  (``mapping_column_problems``), since no row could match its entries.

Column names are read as they are written, only without the spaces around them (``Value `` is
``Value``): ``Status`` is not ``status``. A refused name that is one of the layout's in another
case or spelling says which it may be.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import yaml

from followup.indicators.cells import code_problem, control_problem, shown
from followup.indicators.periods import KINDS
from followup.indicators.plan import ImportPlan, Problem
from followup.lib.tabular import Table
from followup.lib.yamlfiles import load_untrusted

TIDY_REQUIRED = ("area_code", "period", "data_element", "value")
TIDY_OPTIONAL = ("release", "status", "note")
TIDY_COLUMNS = (*TIDY_REQUIRED, *TIDY_OPTIONAL)
SHOWN_COLUMNS = 12  # the most of a file's columns a message lists
SGS_REQUIRED = ("FeatureCode", "DateCode", "Measurement", "Units", "Value")
# A mapping names the data elements of one download: a few, or some dozens, each told apart by
# the values of a few columns (docs/data-import.md).
MAX_MAPPING_ENTRIES = 500
MAX_MATCH_KEYS = 20
# Sets of columns the entries match on: each row is looked up once for each.
MAX_MATCH_SHAPES = 20
_SNAPSHOT = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def detect_layout(headers: list[str]) -> str:
    if all(h in headers for h in TIDY_REQUIRED):
        return "tidy"
    if all(h in headers for h in SGS_REQUIRED):
        return "statistics.gov.scot"
    raise ValueError(
        "the header row matches neither layout: expected the columns "
        f"{', '.join(TIDY_REQUIRED)} (tidy) or {', '.join(SGS_REQUIRED)} (statistics.gov.scot)"
    )


def _perhaps(name: str, columns: Iterable[str]) -> str:
    """`` (is it status?)`` when ``name`` is one of ``columns`` in another case or spacing, or
    close to one in spelling; otherwise nothing."""
    columns = list(columns)
    folded = re.sub(r"[\s-]+", "_", name.lower())
    by_fold = {re.sub(r"[\s-]+", "_", column.lower()): column for column in columns}
    if folded in by_fold:
        return f" (is it {by_fold[folded]}?)"
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.8)
    return f" (is it {by_fold[close[0]]}?)" if close else ""


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def tidy_column_problems(table: Table) -> list[Problem]:
    """A tidy file's columns the layout does not read, each named with its place in the header
    row; and cells under a column with no name (the first such row, and how many more). A
    name holding a control character is reported by ``cells.header_problems`` instead."""
    problems = [
        Problem(
            1,
            name,
            f"the header row's column {number}, {shown(name)}, is not one the tidy layout "
            "reads, so its cells would be lost: expected only the columns "
            f"{_listed(list(TIDY_REQUIRED))}, and optionally {_listed(list(TIDY_OPTIONAL))}"
            f"{_perhaps(name, TIDY_COLUMNS)}",
        )
        for number, name in enumerate(table.headers, start=1)
        if name and name not in TIDY_COLUMNS and control_problem(None, None, name) is None
    ]
    if "" in table.headers:
        filled = [(line, cells[""]) for line, cells in table.rows if cells.get("")]
        if filled:
            line, text = filled[0]
            more = len(filled) - 1
            problems.append(
                Problem(
                    line,
                    None,
                    f"a column with no name in the header row holds {shown(text)}, which the "
                    "tidy layout cannot read: name the column, or leave its cells empty"
                    + (
                        f" ({more:,} more row{'s' if more != 1 else ''} like this one)"
                        if more
                        else ""
                    ),
                )
            )
    return problems


def mapping_column_problems(headers: list[str], mapping: dict[str, Any]) -> list[Problem]:
    """The columns a statistics.gov.scot mapping matches on that the file does not have: no
    row could match an entry naming one, and the rows would be counted ignored, never read."""
    named = [h for h in headers if h]
    shown_names = _listed(named[:SHOWN_COLUMNS] + (["…"] if len(named) > SHOWN_COLUMNS else []))
    wanted = sorted({column for entry in mapping["elements"] for column in entry["match"]})
    return [
        Problem(
            1,
            None,
            f"the mapping matches on the column {shown(column)}, which the file's header row "
            "does not have, so no row could match the entries naming it: expected one of the "
            f"file's columns, {shown_names}{_perhaps(column, named)}",
        )
        for column in wanted
        if column not in headers
    ]


@dataclass
class Raw:
    """One row's cells, named for what they are, with the columns they came from."""

    line: int
    area: str
    period: str
    element: str
    value: str
    release: str
    status: str
    note: str
    period_rule: dict[str, Any] | None = None
    columns: tuple[str, str, str, str] = ("area_code", "period", "data_element", "value")
    # The release's column, or None when the release was given for the whole file.
    release_column: str | None = "release"
    status_column: str = "status"


def tidy_rows(table: Table, release: str | None) -> Iterable[Raw]:
    for line, cells in table.rows:
        own = cells.get("release", "")
        yield Raw(
            line=line,
            area=cells.get("area_code", ""),
            period=cells.get("period", ""),
            element=cells.get("data_element", ""),
            value=cells.get("value", ""),
            release=own or (release or ""),
            status=cells.get("status", ""),
            note=cells.get("note", ""),
            release_column="release" if own else None,
        )


def load_mapping(text: str) -> dict[str, Any]:
    """Read and check a statistics.gov.scot mapping (YAML); raise ValueError naming the problem."""
    try:
        data = load_untrusted(text, "the mapping", "entry")
    except yaml.YAMLError as error:
        # In plain words: what the reader found wrong, and where; never its own wording.
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(
            f"the mapping is not valid YAML{where}: check its indentation, colons and quotes"
        ) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("elements"), list)
        or not data["elements"]
    ):
        raise ValueError("the mapping needs a list 'elements' of {element, match} entries")
    if len(data["elements"]) > MAX_MAPPING_ENTRIES:
        raise ValueError(
            f"the mapping has {len(data['elements']):,} entries; Followup reads at most "
            f"{MAX_MAPPING_ENTRIES}: split it into mappings for fewer data elements"
        )
    columns: set[str] = set()
    shapes: set[frozenset[str]] = set()
    for i, entry in enumerate(data["elements"], start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("element"), str)
            or not isinstance(entry.get("match"), dict)
            or not entry["match"]
        ):
            raise ValueError(
                f"mapping entry {i}: expected 'element' (a code) and 'match' (column: value pairs)"
            )
        if len(entry["match"]) > MAX_MATCH_KEYS:
            raise ValueError(
                f"mapping entry {i}: 'match' has {len(entry['match']):,} column: value pairs; "
                f"Followup reads at most {MAX_MATCH_KEYS}"
            )
        wrong = code_problem(entry["element"])
        if wrong is not None:
            raise ValueError(f"mapping entry {i}: 'element': {wrong}")
        if not all(
            isinstance(k, str) and isinstance(v, str | int | float) and not isinstance(v, bool)
            for k, v in entry["match"].items()
        ):
            raise ValueError(
                f"mapping entry {i}: 'match' pairs a column name with a text or a number"
            )
        columns.update(entry["match"])
        shapes.add(frozenset(entry["match"]))
        if len(shapes) > MAX_MATCH_SHAPES:
            raise ValueError(
                f"mapping entry {i}: the entries match on more than {MAX_MATCH_SHAPES} different "
                f"sets of columns; Followup reads at most {MAX_MATCH_SHAPES}: match on the same "
                "columns in most entries"
            )
        if len(columns) > MAX_MATCH_KEYS:
            raise ValueError(
                f"mapping entry {i}: the entries match on more than {MAX_MATCH_KEYS} columns in "
                f"all; Followup reads at most {MAX_MATCH_KEYS}"
            )
        rule = entry.get("period")
        if rule is None:
            continue
        if not (isinstance(rule, dict) and rule and set(rule) <= {"snapshot", "kind"}):
            raise ValueError(f"mapping entry {i}: 'period' may hold 'snapshot' (MM-DD) or 'kind'")
        if "snapshot" in rule and not (
            isinstance(rule["snapshot"], str) and _SNAPSHOT.match(rule["snapshot"])
        ):
            raise ValueError(
                f"mapping entry {i}: 'snapshot' is a day of the year written MM-DD, such as "
                '"07-31" (in quotes)'
            )
        if "kind" in rule and rule["kind"] not in KINDS:
            raise ValueError(f"mapping entry {i}: 'kind' is one of {', '.join(KINDS)}")
    return data


class _Index:
    """A mapping's entries by the values they match: each row is looked up once for each set of
    columns the entries match on, so matching costs rows × columns, not rows × entries."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.columns = sorted({column for entry in entries for column in entry["match"]})
        # For each set of columns: the values (one text, or a tuple of them, as itemgetter gives
        # them) -> the numbers of the entries that match those values.
        shapes: dict[tuple[str, ...], dict[Any, list[int]]] = {}
        for number, entry in enumerate(entries):
            shape = tuple(sorted(entry["match"]))
            values = tuple(str(entry["match"][column]).strip().lower() for column in shape)
            key: Any = values[0] if len(values) == 1 else values
            shapes.setdefault(shape, {}).setdefault(key, []).append(number)
        self.lookups = [(itemgetter(*shape), table) for shape, table in shapes.items()]

    def matches(self, cells: dict[str, str]) -> list[int]:
        seen = {column: cells.get(column, "").strip().lower() for column in self.columns}
        found: list[int] = []
        for values, table in self.lookups:
            found.extend(table.get(values(seen), ()))
        return sorted(found)


def sgs_rows(
    table: Table, release: str | None, mapping: dict[str, Any], plan: ImportPlan
) -> Iterable[Raw]:
    entries = mapping["elements"]
    index = _Index(entries)
    for line, cells in table.rows:
        matches = [entries[number] for number in index.matches(cells)]
        if not matches:
            plan.ignored += 1
            continue
        if len(matches) > 1:
            plan.errors.append(
                Problem(
                    line,
                    None,
                    f"matches {len(matches)} mapping entries ({', '.join(m['element'] for m in matches)}); make the matches exclusive",
                )
            )
            continue
        yield Raw(
            line=line,
            area=cells.get("FeatureCode", ""),
            period=cells.get("DateCode", ""),
            element=matches[0]["element"],
            value=cells.get("Value", ""),
            release=release or "",
            status=cells.get("DataMarker", ""),
            note="",
            period_rule=matches[0].get("period"),
            columns=("FeatureCode", "DateCode", "Measurement", "Value"),
            release_column=None,
            status_column="DataMarker",
        )
