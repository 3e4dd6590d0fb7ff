"""The shared reference cases, and comparing numbers to a relative tolerance."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Copies of the project's shared/agreement/cases; the shared folder itself (beside the checkout,
# as CI lays it) adds any case made since, and its version of a case wins.
COPIES = Path(__file__).resolve().parent / "cases"
SHARED = ROOT.parent / "shared" / "agreement" / "cases"
# Gwet's coefficients are compared more loosely, as the shared README says.
TOLERANCE = {"gwet": 1e-6}


def shared_cases() -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for folder in (COPIES, SHARED):
        for path in sorted(folder.glob("*.json")):
            case = json.loads(path.read_text())
            by_id[case["id"]] = case
    return [by_id[key] for key in sorted(by_id)]


def close(expected: float | None, got: float | None, rel: float = 1e-9) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(got, expected, rel_tol=rel, abs_tol=1e-12)


def differences(expected: Any, got: Any, path: str = "", rel: float = 1e-9) -> list[str]:
    """Where got differs from expected: numbers to ``rel`` (Gwet's to 1e-6), the rest exactly."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{path}: {got!r} is not an object"]
        problems = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else key
            if key not in got:
                problems.append(f"{where}: missing")
            else:
                tolerance = TOLERANCE.get(where.split(".")[0], rel)
                problems.extend(differences(value, got[key], where, tolerance))
        return problems
    if isinstance(expected, bool) or not isinstance(expected, (int, float)):
        return [] if got == expected else [f"{path}: {got!r} != {expected!r}"]
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return [f"{path}: {got!r} is not a number"]
    if isinstance(expected, int) and not isinstance(got, int):
        return [f"{path}: {got!r} is not a whole number"]
    return [] if close(float(expected), float(got), rel) else [f"{path}: {got!r} != {expected!r}"]
