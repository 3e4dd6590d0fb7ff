"""The docs and the code keep each other honest."""

from __future__ import annotations

import re
from pathlib import Path

from followup.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "followup").rglob("*.py"):
        names |= set(re.findall(r'"((?:FOLLOWUP_|DATABASE_URL)[A-Z_]*)"', path.read_text()))
    return names


def test_every_setting_the_code_reads_is_documented_in_the_configuration_table():
    text = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.MULTILINE))
    assert settings_read_by_the_code() - documented == set()
    assert documented - settings_read_by_the_code() == set()


def test_every_cli_command_has_a_section_in_the_cli_reference():
    text = (ROOT / "docs" / "cli.md").read_text()
    documented = set(re.findall(r"^## `followup ([a-z-]+)", text, flags=re.MULTILINE))
    parser = build_parser()
    # Each command once, under its own name; an alias (``signals`` for ``spc``) has none.
    commands = {action.dest for action in parser._subparsers._group_actions[0]._choices_actions}
    assert commands == documented


def test_readme_gives_the_two_command_quick_start():
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text
