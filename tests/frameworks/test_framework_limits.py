"""Hostile framework files for ``followup load-framework``: anchors and aliases, too many values,
nesting too deep, and files with very many problems.

Each hostile file is built here and refused with the reason, by the reader within 2 seconds of
processor time and 200 MB (``hostile.measure``) and on the command line; the command lists at
most 100 problems and says how many more there are.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from followup.cli import build_parser
from followup.frameworks.library import LIBRARY_DIR, LibraryFileError, parse_file, parse_text
from followup.frameworks.models import Framework, QualityIndicator
from followup.lib.yamlfiles import MAX_YAML_NODES
from tests import hostile

SECONDS = 2.0
MEGABYTES = 200.0
TOP = (
    "kind: framework\nurn: urn:x:fw:bomb\nversion: 1\nname: Bomb\n"
    "scale: urn:followup:scale:six-point\n"
)


def alias_bomb(width: int = 10, depth: int = 8) -> str:
    """The tester's file: each level's ``children`` repeat the level below ``width`` times through
    aliases, so a kilobyte stands for ``width ** depth`` quality indicators."""
    lines = [TOP + "defs:", "  - &n0 {urn: 'urn:x:fw:bomb:leaf', ref_id: '1', name: leaf}"]
    for d in range(1, depth):
        kids = ", ".join([f"*n{d - 1}"] * width)
        lines.append(f"  - &n{d} {{urn: 'urn:x:fw:bomb:l{d}', name: level{d}, children: [{kids}]}}")
    lines.append("nodes: [" + ", ".join([f"*n{depth - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def indicators(count: int, urn: str = "urn:x:fw:bomb:") -> str:
    return TOP + "nodes:\n" + "".join(f"  - {{urn: {urn}{i}, name: n}}\n" for i in range(count))


def nested(levels: int) -> str:
    node = "{urn: 'urn:x:fw:bomb:leaf', name: leaf}"
    for level in range(levels):
        node = f"{{urn: 'urn:x:fw:bomb:{level}', name: n, children: [{node}]}}"
    return TOP + f"nodes: [{node}]\n"


# name: (the file, what the refusal says after its name)
HOSTILE: dict[str, tuple[Callable[[], str], str]] = {
    "an alias bomb": (
        alias_bomb,
        "the file uses YAML anchors or aliases (&, *), which Followup does not read: write each "
        "quality indicator out.",
    ),
    "12,500 quality indicators written out": (
        lambda: indicators(12_500),
        f"the file holds more than {MAX_YAML_NODES:,} YAML values; Followup reads at most "
        f"{MAX_YAML_NODES:,}: split it.",
    ),
    "quality indicators nested 32 deep": (
        lambda: nested(32),
        "the file nests lists and mappings more than 64 levels deep; Followup reads at most 64.",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_framework_file_is_refused_by_the_reader_within_2_seconds_and_200_mb(name):
    text, message = HOSTILE[name][0](), HOSTILE[name][1]

    def read() -> None:
        try:
            parse_text(text, "fw.yaml")
        except LibraryFileError as error:
            raise ValueError(error.errors) from None

    cost = hostile.measure(read)
    assert cost.outcome == f"ValueError: {[f'fw.yaml: {message}']}"
    assert cost.cpu < SECONDS, cost
    assert cost.memory < MEGABYTES, cost


def load_framework(path: str) -> int:
    args = build_parser().parse_args(["load-framework", path])
    return int(args.handler(args))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_framework_file_is_refused_on_the_command_line_with_the_reason(
    db, name, tmp_path, capsys
):
    path = tmp_path / "fw.yaml"
    path.write_text(HOSTILE[name][0]())
    start = time.process_time()
    status = load_framework(str(path))
    spent = time.process_time() - start
    assert status == 1
    assert capsys.readouterr() == (
        "",
        f"fw.yaml: {HOSTILE[name][1]}\nNothing was loaded (1 problem).\n",
    )
    assert spent < hostile.budget(SECONDS), spent
    assert (Framework.objects.count(), QualityIndicator.objects.count()) == (0, 0)


def test_the_command_line_lists_the_first_100_problems_and_says_how_many_more(db, tmp_path, capsys):
    path = tmp_path / "fw.yaml"
    path.write_text(indicators(150, urn="bad"))
    assert load_framework(str(path)) == 1
    err = capsys.readouterr().err.splitlines()
    problem = "A quality indicator: 'urn' must start with 'urn:' and contain no spaces."
    assert err == [
        *(f"fw.yaml, line {line}: {problem}" for line in range(7, 107)),
        "And 50 more.",
        "Nothing was loaded (150 problems).",
    ]


def test_the_bundled_frameworks_are_within_the_limits():
    assert {
        p.name: parse_file(p)["urn"].startswith("urn:") for p in LIBRARY_DIR.glob("*.yaml")
    } == {
        "care-inspectorate.yaml": True,
        "ci-care-protection-2019.yaml": True,
        "ci-children-2012.yaml": True,
        "six-point-scale.yaml": True,
    }
