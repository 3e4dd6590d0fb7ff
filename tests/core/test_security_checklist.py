"""docs/security.md's ASVS checklist and the tests it names keep each other honest.

Every level 1 and level 2 requirement of OWASP ASVS 5.0.0's chapters 6 (authentication),
7 (session management) and 8 (authorisation) has a row. A row marked "Met" names at least one
test, ``tests/PATH.py::test_name``, and each named test must exist; a row marked anything else
says why.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "docs" / "security.md"

# ASVS 5.0.0, levels 1 and 2 (from OWASP/ASVS 5.0/en, chapters V6, V7 and V8).
LEVEL_2 = [
    "6.1.1",
    "6.1.2",
    "6.1.3",
    "6.2.1",
    "6.2.2",
    "6.2.3",
    "6.2.4",
    "6.2.5",
    "6.2.6",
    "6.2.7",
    "6.2.8",
    "6.2.9",
    "6.2.10",
    "6.2.11",
    "6.2.12",
    "6.3.1",
    "6.3.2",
    "6.3.3",
    "6.3.4",
    "6.4.1",
    "6.4.2",
    "6.4.3",
    "6.4.4",
    "6.5.1",
    "6.5.2",
    "6.5.3",
    "6.5.4",
    "6.5.5",
    "6.6.1",
    "6.6.2",
    "6.6.3",
    "6.8.1",
    "6.8.2",
    "6.8.3",
    "6.8.4",
    "7.1.1",
    "7.1.2",
    "7.1.3",
    "7.2.1",
    "7.2.2",
    "7.2.3",
    "7.2.4",
    "7.3.1",
    "7.3.2",
    "7.4.1",
    "7.4.2",
    "7.4.3",
    "7.4.4",
    "7.4.5",
    "7.5.1",
    "7.5.2",
    "7.6.1",
    "7.6.2",
    "8.1.1",
    "8.1.2",
    "8.2.1",
    "8.2.2",
    "8.2.3",
    "8.3.1",
    "8.4.1",
]
STATUSES = {"Met", "Partly met", "Not met", "Not applicable"}
NUMBER = re.compile(r"^\d+\.\d+\.\d+$")
TEST = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def checklist() -> dict[str, tuple[str, str, str]]:
    rows: dict[str, tuple[str, str, str]] = {}
    for line in SECURITY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 5 and NUMBER.match(cells[0]):
            number, _, status, how, tests = cells
            assert number not in rows, f"{number} has two rows"
            rows[number] = (status, how, tests)
    return rows


def test_every_level_2_requirement_of_chapters_6_7_and_8_has_one_row() -> None:
    rows = checklist()
    assert sorted(set(LEVEL_2) - set(rows)) == []
    assert sorted(set(rows) - set(LEVEL_2)) == []


def test_each_row_is_met_partly_met_not_met_or_not_applicable_and_says_how_or_why() -> None:
    for number, (status, how, _) in checklist().items():
        assert status in STATUSES, f"{number}: {status!r}"
        assert len(how) > 20, f"{number} does not say how or why"


def test_every_met_requirement_names_a_test_that_exists() -> None:
    for number, (status, _, tests) in checklist().items():
        named = TEST.findall(tests)
        if status in {"Met", "Partly met"}:
            assert named, f"{number} is {status} but names no test"
        for path, name in named:
            source = ROOT / path
            assert source.is_file(), f"{number} names {path}, which does not exist"
            assert re.search(
                rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.M
            ), f"{number} names {path}::{name}, which does not exist"
