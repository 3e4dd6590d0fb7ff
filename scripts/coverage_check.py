"""Check the branch coverage of the modules that decide access, write, import, disclose or publish.

Reads coverage.py's JSON report (``coverage json``) and fails, listing them, when any critical
module is below the bar. Each entry of CRITICAL is a glob under ``src/followup/``; an entry that
matches no file fails too, so that a module renamed or moved is noticed here rather than
silently dropped from the check.

    python scripts/coverage_check.py coverage.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "followup"
BAR = 90.0

# Globs under src/followup/. "*" stands for one folder name, so "*/actions.py" is every app's.
CRITICAL = [
    # Access: who may see and do what.
    "partnerships/access.py",
    # Every write goes through an action.
    "*/actions.py",
    "*/actions_*.py",
    # The audited save every action makes: versions, changed fields, the audit entry.
    "audit/writes.py",
    # The importers: figures, REFI-QDA projects, surveys, pre-inspection returns (and the samples
    # drawn from them) and reading templates.
    "indicators/importer.py",
    "indicators/importrows.py",
    "lib/tabular.py",
    "evidence/refi_import.py",
    "evidence/surveys.py",
    "records/returns.py",
    "records/template_files.py",
    "lib/sampling.py",
    # Disclosure control: the rules, and what each page and download is allowed to show.
    "*/disclosure.py",
    "indicators/disclosed.py",
    "evidence/disclosed.py",
    # Publication: the frozen report and what goes into it.
    "reports/actions.py",
    "reports/cutoff.py",
]


def critical_files() -> dict[str, list[str]]:
    """Each glob with the files it matches, as paths relative to the repository."""
    root = PACKAGE.parents[1]
    found: dict[str, list[str]] = {}
    for pattern in CRITICAL:
        found[pattern] = sorted(
            str(path.relative_to(root))
            for path in PACKAGE.glob(pattern)
            if "migrations" not in path.parts and path.is_file()
        )
    return found


def percent(summary: dict[str, float]) -> float:
    """Lines and branches together, as coverage.py reports a file with branch coverage on."""
    return float(summary["percent_covered"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="coverage.py's JSON report")
    parser.add_argument("--bar", type=float, default=BAR, help=f"per cent (default {BAR:g})")
    args = parser.parse_args(argv)

    report = json.loads(args.report.read_text())
    measured = {name.replace("\\", "/"): data["summary"] for name, data in report["files"].items()}
    problems: list[str] = []
    rows: list[tuple[str, float]] = []
    for pattern, files in critical_files().items():
        if not files:
            problems.append(f"{pattern}: no file matches this pattern (renamed or moved?)")
        for name in files:
            key = next((m for m in measured if m == name or m.endswith("/" + name)), None)
            if key is None:
                problems.append(f"{name}: not in the coverage report (never imported?)")
                continue
            rows.append((name, percent(measured[key])))

    print(f"Branch coverage of the critical modules (the bar is {args.bar:g}%):")
    for name, value in sorted(set(rows)):
        mark = "" if value >= args.bar else "   BELOW THE BAR"
        print(f"  {value:5.1f}%  {name}{mark}")
        if value < args.bar:
            problems.append(f"{name}: {value:.1f}% is below {args.bar:g}%")
    total = report["totals"]["percent_covered"]
    print(f"Branch coverage of the whole package: {total:.1f}%")
    if problems:
        print("Coverage check FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("Coverage check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
