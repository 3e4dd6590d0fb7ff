"""The docs and the code keep each other honest: the CLI reference and the settings table are
generated (``make docs``), and these tests fail while they are out of date, when an option has no
help, or when the code reads a variable that the settings registry does not declare."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from followup import reference
from followup.cli import build_parser
from followup.settings_registry import BY_NAME, setting_int, setting_text

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "followup"
# The helpers that read a variable named by their first argument.
READERS = {
    "env_str",
    "env_bool",
    "env_int",
    "env_list",
    "env_choice",
    "read_secret",
    "secret_from_env",
    "setting_text",
    "setting_bool",
    "setting_int",
    "setting_list",
    "setting_choice",
    "setting_secret",
}
SECRET_READERS = {"read_secret", "secret_from_env", "setting_secret"}
# Where variables are read by a name held in a variable: the helpers themselves.
HELPERS = {"env.py", "settings_registry.py"}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _name_of(node: ast.AST | None) -> str | None:
    """The variable's name when it is written out, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def variables_read(source: str) -> tuple[set[str], int]:
    """The environment variables ``source`` reads, and how many reads name none it can tell."""
    names: set[str] = set()
    unnamed = 0

    def found(node: ast.AST | None, *, with_file: bool = False) -> None:
        nonlocal unnamed
        name = _name_of(node)
        if name is None:
            unnamed += 1
        else:
            names.add(name)
            if with_file:  # a secret is read from NAME or from the file NAME_FILE names
                names.add(f"{name}_FILE")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            called = getattr(function, "attr", None) or getattr(function, "id", None)
            first = node.args[0] if node.args else None
            if isinstance(function, ast.Attribute) and _is_environ(function.value):
                if function.attr in {"get", "pop"}:  # setdefault only writes a default
                    found(first)
            elif called == "getenv" or called in READERS:
                found(first, with_file=called in SECRET_READERS)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            if isinstance(node.ctx, ast.Load):
                found(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            found(node.left)
    return names, unnamed


def variables_read_by_followup() -> set[str]:
    names: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        read, unnamed = variables_read(path.read_text(encoding="utf-8"))
        names |= read
        assert unnamed == 0 or path.name in HELPERS, (
            f"{path.relative_to(ROOT)} reads an environment variable by a name held in a "
            "variable: name it, and declare it in followup.settings_registry."
        )
    return names


def test_every_variable_the_code_reads_is_declared_in_the_settings_registry():
    undeclared = variables_read_by_followup() - set(BY_NAME)
    assert undeclared == set(), f"Declare these in followup.settings_registry: {undeclared}"


def test_every_variable_in_the_settings_registry_is_read_by_the_code():
    assert set(BY_NAME) - variables_read_by_followup() == set()


def test_the_scan_finds_a_variable_read_past_the_registry_in_every_way_python_can():
    source = """
import os
from os import environ, getenv
a = os.environ.get("NEW_ONE")
b = os.environ["NEW_TWO"]
c = "NEW_THREE" in os.environ
d = getenv("NEW_FOUR")
e = env_int("NEW_FIVE", 1)
f = settings_registry.setting_bool("NEW_SIX")
h = setting_secret("NEW_SEVEN")
g = environ.get(name)
os.environ.setdefault("WRITTEN_ONLY", "1")
os.environ["WRITTEN_TOO"] = "1"
"""
    names, unnamed = variables_read(source)
    assert names == {"NEW_ONE", "NEW_TWO", "NEW_THREE", "NEW_FOUR", "NEW_FIVE", "NEW_SIX"} | {
        "NEW_SEVEN",
        "NEW_SEVEN_FILE",
    }
    assert unnamed == 1


def test_reading_a_variable_the_registry_does_not_declare_stops_with_its_name():
    with pytest.raises(LookupError, match="FOLLOWUP_NOT_DECLARED is not in"):
        setting_text("FOLLOWUP_NOT_DECLARED")
    with pytest.raises(TypeError, match="FOLLOWUP_DEBUG is declared as bool"):
        setting_int("FOLLOWUP_DEBUG")


def test_a_setting_is_read_with_the_default_and_limits_the_registry_declares(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("FOLLOWUP_MAX_UPLOAD_MB", raising=False)
    assert setting_int("FOLLOWUP_MAX_UPLOAD_MB") == BY_NAME["FOLLOWUP_MAX_UPLOAD_MB"].default == 20
    monkeypatch.setenv("FOLLOWUP_MAX_UPLOAD_MB", "101")
    with pytest.raises(ImproperlyConfigured, match="must be at most 100; got 101"):
        setting_int("FOLLOWUP_MAX_UPLOAD_MB")
    monkeypatch.setenv("FOLLOWUP_MAX_UPLOAD_MB", "0")
    with pytest.raises(ImproperlyConfigured, match="must be at least 1; got 0"):
        setting_int("FOLLOWUP_MAX_UPLOAD_MB")


def test_the_settings_table_is_generated_from_the_registry_and_up_to_date():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert reference.refresh_configuration(text) == text, "docs/configuration.md: run make docs"


def test_the_cli_reference_is_generated_from_the_parser_and_up_to_date():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert reference.refresh_cli(text, build_parser()) == text, "docs/cli.md: run make docs"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return reference._commands(parser)


def test_a_new_option_or_command_leaves_the_cli_reference_out_of_date_until_make_docs():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    _subcommands(parser)["serve"].add_argument("--backlog", help="connections to queue")
    stale = reference.refresh_cli(text, parser)
    assert stale != text
    assert "| `--backlog BACKLOG` | connections to queue |" in stale

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands.add_parser("rebuild", description="Rebuild everything.")
    added = reference.refresh_cli(text, parser)
    assert added.index("## `followup rebuild`") > added.index("## `followup report`")
    assert "## `followup rebuild`\n\n<!-- make docs: followup rebuild -->" in added
    assert reference.refresh_cli(added, parser) == added


def test_a_new_setting_leaves_the_settings_table_out_of_date_until_make_docs(monkeypatch):
    from followup import settings_registry

    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    extra = settings_registry.Setting("FOLLOWUP_NEW", "bool", True, "Something new.")
    monkeypatch.setattr(reference, "SETTINGS", (*settings_registry.SETTINGS, extra))
    stale = reference.refresh_configuration(text)
    assert stale != text
    assert "| `FOLLOWUP_NEW` | true or false | `true` |  | Something new. |" in stale


def test_every_command_argument_and_option_has_help():
    for name, command in _subcommands(build_parser()).items():
        assert command.description, f"followup {name} has no description"
        for action in reference._arguments(command):
            assert action.help, f"followup {name}: {action.dest} has no help"


def test_every_cli_command_has_a_section_in_the_cli_reference():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in _subcommands(build_parser()):
        assert f"## `followup {name}`\n\n<!-- make docs: followup {name} -->" in text


def test_readme_gives_the_two_command_quick_start():
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text


def test_no_file_holds_a_merge_conflicts_markers():
    """A merge left unresolved in a generated or hand-written part of the docs reads as text."""
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    left = [
        str(path.relative_to(ROOT))
        for folder in ("docs", "src", "tests", "bench", "scripts", "frontend")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".md", ".py", ".html", ".scss", ".yaml", ".js", ".txt"}
        and marker.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    left += [
        name for name in ("README.md", "CHANGELOG.md") if marker.search((ROOT / name).read_text())
    ]
    assert left == []
