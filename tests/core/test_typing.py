"""src/ is typed strictly, and any ``type: ignore`` left in it names its error code and says why
on the same line after a second "#": the few places where a third-party library's types are wrong."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z-, ]+\])?(?P<rest>.*)$")


def test_mypy_checks_src_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    relaxed = {m for o in config.get("overrides", []) for m in o["module"]}
    assert not {m for m in relaxed if m.startswith("followup")}


def test_every_type_ignore_in_src_names_its_code_and_says_why():
    bare = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found = IGNORE.search(line)
            if found and (not found["code"] or not re.search(r"#\s*\w+", found["rest"])):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bare == []
