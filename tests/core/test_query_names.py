"""Each read has one name: no two apps' ``queries.py`` define a public function of the same name,
so that ``queries.review_for`` means the same read wherever it is called. The modules are read
as source (with ``ast``), not imported."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "followup"


def public_functions(path: Path) -> set[str]:
    """The names of the module's public top-level functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    }


def shared_names(paths: list[Path], root: Path) -> dict[str, list[str]]:
    """Each public function name defined in more than one of the modules, with where."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for name in public_functions(path):
            where[name].append(str(path.relative_to(root)))
    return {name: sorted(found) for name, found in where.items() if len(found) > 1}


def test_no_two_queries_modules_define_a_public_function_of_the_same_name():
    modules = sorted(SOURCE.rglob("queries.py"))
    assert len(modules) >= 6, "the queries modules were not found"
    assert shared_names(modules, SOURCE) == {}


def test_a_name_defined_in_two_queries_modules_would_be_found(tmp_path: Path):
    first, second = tmp_path / "followup" / "a.py", tmp_path / "followup" / "b.py"
    first.parent.mkdir()
    first.write_text("def review_for(user, slug, pk):\n    return None\n\ndef _own():\n    pass\n")
    second.write_text("async def review_for():\n    pass\n\ndef _own():\n    pass\n")
    assert shared_names([first, second], tmp_path) == {
        "review_for": ["followup/a.py", "followup/b.py"]
    }
