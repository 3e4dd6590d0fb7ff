"""No function is so long that a reader loses the thread: each is at most ``LONGEST`` lines, from
its ``def`` to its last line (docstring included), but for the few in ``ALLOWED``, each with the
reason it is left whole. A long function is split into named steps, each with a docstring. The
modules are read as source (with ``ast``), not imported."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "followup"

LONGEST = 80

# (module under src/followup, function): why it may be longer.
ALLOWED: dict[tuple[str, str], str] = {}


def long_functions(root: Path, longest: int) -> dict[tuple[str, str], int]:
    """Every function (or method, or function within one) longer than ``longest`` lines in the
    Python files under ``root`` but migrations, by (module, name), with its length."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > longest:
                    found[(path.relative_to(root).as_posix(), node.name)] = length
    return found


def test_no_function_is_longer_than_the_bar_but_those_allowed_with_a_reason():
    assert {k: n for k, n in long_functions(SOURCE, LONGEST).items() if k not in ALLOWED} == {}


def test_every_function_allowed_to_be_long_still_is():
    """An allowance that is no longer needed is removed, so the list stays honest."""
    assert set(ALLOWED) - set(long_functions(SOURCE, LONGEST)) == set()


def test_a_long_function_would_be_found(tmp_path: Path):
    body = "".join(f"    x{i} = {i}\n" for i in range(LONGEST))
    (tmp_path / "long.py").write_text(f"def short():\n    pass\n\n\ndef long():\n{body}")
    assert long_functions(tmp_path, LONGEST) == {("long.py", "long"): LONGEST + 1}
