"""Draw the layers picture in docs/architecture.md from the import contracts in pyproject.toml.

    python scripts/architecture.py          # print the picture
    python scripts/architecture.py --write  # put it in docs/architecture.md

tests/core/test_architecture.py fails when the picture and the contracts differ.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
START, END = "<!-- layers: drawn by scripts/architecture.py -->", "<!-- end of layers -->"


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    return list(contract["layers"])


def picture() -> str:
    """One line a layer, top first: "a | b" never import each other, "a : b" may."""
    rows = []
    for number, layer in enumerate(layers()):
        if "|" in layer:
            names = [n.strip() for n in layer.split("|")]
            text = "   ".join(names) + "   (never import each other)"
        else:
            text = "   ".join(n.strip() for n in layer.split(":"))
        if number:
            rows.append("    ↓")
        rows.append(f"  {text}")
    return "```\n" + "\n".join(rows) + "\n```"


def written(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{picture()}\n{END}{after}"


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        DOC.write_text(written(DOC.read_text()))
    else:
        print(picture())
