"""followup.agreement imports numpy, the standard library, itself and ``followup.jsonrequest``
(the standard library's JSON request serving that ``followup spc`` shares), nothing else.

``lint-imports`` holds the same rule as a contract (``agreement-is-numpy-only``); this reads
the imports directly, in milliseconds, and says which line broke it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import followup.agreement

PACKAGE = Path(followup.agreement.__file__).resolve().parent

ALLOWED = {"numpy", "__future__"} | sys.stdlib_module_names


def _allowed(name: str) -> bool:
    if name in ("followup.agreement", "followup.jsonrequest") or name.startswith(
        "followup.agreement."
    ):
        return True
    return name.split(".")[0] in ALLOWED


def test_the_agreement_statistics_import_only_numpy_the_standard_library_and_themselves():  # and jsonrequest
    outside = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            outside += [f"{path.name}:{node.lineno} {name}" for name in names if not _allowed(name)]
    assert outside == []
