"""Reference cases: the shared samples and the ones generated here from the R packages."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Copies of the samples in the project's shared/spc/cases (qicharts2 and NHSRplotthedots outputs).
SHARED = Path(__file__).resolve().parent / "reference" / "shared"
GENERATED = Path(__file__).resolve().parent / "reference"


def shared_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(SHARED.glob("[mq]*.json"))]


def generated_cases(name: str) -> list[dict[str, Any]]:
    return json.loads((GENERATED / name).read_text())


def all_cases() -> list[dict[str, Any]]:
    return (
        shared_cases()
        + generated_cases("qicharts2_cases.json")
        + generated_cases("nhsrplotthedots_cases.json")
    )


def request_of(case: dict[str, Any]) -> dict[str, Any]:
    return {"chart": case["chart"], "options": case["options"], "input": case["input"]}


def differences(expected: Any, got: Any, path: str = "") -> list[str]:
    """Where got differs from expected: numbers to 1e-9 relative, everything else exactly."""
    if isinstance(expected, dict):
        problems = []
        for key, value in expected.items():
            if not isinstance(got, dict) or key not in got:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(differences(value, got[key], f"{path}.{key}"))
        return problems
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [
                f"{path}: length {len(got) if isinstance(got, list) else got!r} != {len(expected)}"
            ]
        problems = []
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            problems.extend(differences(e, g, f"{path}[{i + 1}]"))
        return problems[:3]
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return (
            []
            if got == expected and type(got) is type(expected)
            else [f"{path}: {got!r} != {expected!r}"]
        )
    if isinstance(got, bool) or not isinstance(got, int | float):
        return [f"{path}: {got!r} != {expected!r}"]
    if math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12):
        return []
    return [f"{path}: {got!r} != {expected!r}"]
