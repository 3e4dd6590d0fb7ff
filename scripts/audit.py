"""The vulnerability audit of `make lint`: pip-audit over the project's installed environment.

pip-audit asks a vulnerability service on the network about every installed package. Where that
service cannot be reached (no network, or a registry mirror that does not serve it), the audit is
skipped with the reason printed, and `make lint` goes on; a known vulnerability fails it.

Usage: .venv/bin/python scripts/audit.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

TIMEOUT = 300  # seconds


def verdict(report: dict[str, Any]) -> tuple[int, str]:
    """The exit status and message for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and not audited:
        return 0, (
            "Vulnerability audit skipped: pip-audit's vulnerability service answered for none of "
            f"the {len(skipped)} packages, so it cannot be reached from here (pip-audit: "
            f"{skipped[0]['skip_reason']})"
        )
    found = [
        f"  {d['name']} {d['version']}: {v['id']}"
        + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
        for d in audited
        for v in d.get("vulns", [])
    ]
    if found:
        return 1, "Known vulnerabilities in installed packages:\n" + "\n".join(found)
    count = len(audited)
    message = f"Vulnerability audit: no known vulnerability in {count} package{'' if count == 1 else 's'}."
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        message += f" Not audited ({len(skipped)}): {names}."
    return 0, message


def main() -> int:
    tool = Path(sys.executable).with_name("pip-audit")
    if not tool.exists() and shutil.which("pip-audit") is None:
        print("Vulnerability audit skipped: pip-audit is not installed (make install adds it).")
        return 0
    command = [
        str(tool) if tool.exists() else "pip-audit",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--skip-editable",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"Vulnerability audit skipped: pip-audit did not answer within {TIMEOUT} s.")
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"Vulnerability audit skipped: pip-audit could not run ({reason}).")
        return 0
    status, message = verdict(report)
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main())
