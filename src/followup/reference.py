"""The generated parts of the reference: docs/cli.md from the ``followup`` command's parser, and
the settings table of docs/configuration.md from ``followup.settings_registry``.

Each generated part sits between two markers, ``<!-- make docs: KEY -->`` and
``<!-- end of make docs -->``; the text around them is written by hand and left alone. A command
with no part yet gets a new section at the end of docs/cli.md, to be moved and given prose.

    python -m followup.reference          # rewrite the generated parts (make docs)
    python -m followup.reference --check  # exit 1, naming the files, when they are out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from followup.settings_registry import SETTINGS, Setting

DOCS = Path(__file__).resolve().parents[2] / "docs"
BEGIN = "<!-- make docs: {key} -->"
END = "<!-- end of make docs -->"
MARKED = re.compile(r"<!-- make docs: (?P<key>[^>]+?) -->\n.*?<!-- end of make docs -->", re.S)


def _cell(text: str) -> str:
    """Text that stays in one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def _replace(text: str, parts: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with each marked part rewritten, and the keys of ``parts`` it had no place for."""
    placed: set[str] = set()

    def rewrite(match: re.Match[str]) -> str:
        key = match["key"]
        if key not in parts:
            raise KeyError(f"No generated part is called {key!r}: remove its markers.")
        placed.add(key)
        return f"{BEGIN.format(key=key)}\n{parts[key]}{END}"

    return MARKED.sub(rewrite, text), [key for key in parts if key not in placed]


# The command line


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            # Each command under its own name, which argparse adds before its aliases: an alias
            # (``signals`` for ``spc``) is not another command.
            found: dict[str, argparse.ArgumentParser] = {}
            for name, sub in action.choices.items():
                if all(sub is not other for other in found.values()):
                    found[name] = sub
            return found
    return {}


def _arguments(command: argparse.ArgumentParser) -> list[argparse.Action]:
    return [action for action in command._actions if not isinstance(action, argparse._HelpAction)]


def _value(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(choice) for choice in action.choices) + "}"
    return action.dest.upper() if action.option_strings else action.dest


def _in_usage(action: argparse.Action) -> str:
    """How ``followup --help`` shows the argument in its usage line (without its wrapping)."""
    value = _value(action)
    if not action.option_strings:
        if action.nargs == argparse.OPTIONAL:
            return f"[{value}]"
        if action.nargs == argparse.REMAINDER:
            return f"{value} ..."
        return value
    shown = action.option_strings[0]
    if action.nargs != 0:
        shown = f"{shown} {value}"
    return shown if action.required else f"[{shown}]"


def _in_table(action: argparse.Action) -> str:
    value = _value(action)
    if not action.option_strings:
        return f"`{value}`"
    suffix = f" {value}" if action.nargs != 0 else ""
    return ", ".join(f"`{option}{suffix}`" for option in action.option_strings)


def command_part(name: str, command: argparse.ArgumentParser) -> str:
    """The usage line, description, and a table of every argument and option with its help."""
    # Options first, then positional arguments, as argparse's usage line has them.
    ordered = sorted(_arguments(command), key=lambda action: not action.option_strings)
    usage = " ".join([f"followup {name}", *(_in_usage(action) for action in ordered)])
    lines = ["```text", usage, "```", "", command.description or "", ""]
    arguments = _arguments(command)
    if arguments:
        lines += ["| argument or option | meaning |", "|---|---|"]
        for action in arguments:
            meaning = _cell(action.help or "")
            if action.option_strings and action.required:
                meaning += " (required)"
            lines.append(f"| {_in_table(action)} | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def commands_part(parser: argparse.ArgumentParser) -> str:
    """A table of the commands, each with the first sentence of its description."""
    lines = ["| command | what it does |", "|---|---|"]
    for name, command in _commands(parser).items():
        first = re.split(r"(?<=\.)\s(?=[A-Z])", command.description or "", maxsplit=1)[0]
        anchor = f"followup-{name}"
        lines.append(f"| [`followup {name}`](#{anchor}) | {_cell(first)} |")
    return "\n".join(lines) + "\n"


def refresh_cli(text: str, parser: argparse.ArgumentParser) -> str:
    """docs/cli.md with its generated parts rewritten from ``parser``; a command not there yet
    gets a section of its own at the end."""
    parts = {"commands": commands_part(parser)}
    for name, command in _commands(parser).items():
        parts[f"followup {name}"] = command_part(name, command)
    text, unplaced = _replace(text, parts)
    for key in unplaced:
        if key == "commands":
            raise KeyError("docs/cli.md needs the marked list of commands.")
        text = text.rstrip("\n") + f"\n\n## `{key}`\n\n{BEGIN.format(key=key)}\n{parts[key]}{END}\n"
    return text


# The settings


KINDS = {
    "text": "text",
    "path": "path",
    "url": "URL",
    "secret": "secret",
    "bool": "true or false",
    "list": "comma-separated list",
}


def _type(setting: Setting) -> str:
    if setting.kind == "choice":
        words = [f"`{choice}`" for choice in setting.choices]
        return "one of " + ", ".join(words[:-1]) + " or " + words[-1]
    if setting.kind == "int":
        if setting.minimum is not None and setting.maximum is not None:
            return f"whole number, {setting.minimum} to {setting.maximum}"
        if setting.minimum is not None:
            return f"whole number, at least {setting.minimum}"
        return "whole number"
    return KINDS[setting.kind]


def _default(setting: Setting) -> str:
    value = setting.default
    if setting.shown_default:
        return setting.shown_default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        value = ",".join(value)
    return f"`{value}`" if value != "" else "empty"


def settings_part() -> str:
    lines = [
        "| variable | type | default | in production | meaning |",
        "|---|---|---|---|---|",
    ]
    for setting in SETTINGS:
        cells = [f"`{setting.name}`", _type(setting), _default(setting), setting.production]
        lines.append("| " + " | ".join(_cell(cell) for cell in [*cells, setting.meaning]) + " |")
    return "\n".join(lines) + "\n"


def refresh_configuration(text: str) -> str:
    text, unplaced = _replace(text, {"settings": settings_part()})
    if unplaced:
        raise KeyError("docs/configuration.md needs the marked table of settings.")
    return text


def refreshers() -> dict[str, Callable[[str], str]]:
    """Each generated file, by its name under docs/, and what rewrites it."""
    from followup.cli import build_parser

    parser = build_parser()
    return {
        "cli.md": lambda text: refresh_cli(text, parser),
        "configuration.md": refresh_configuration,
    }


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m followup.reference", description=__doc__)
    options.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    options.add_argument("--docs", type=Path, default=DOCS, help="the docs folder")
    args = options.parse_args(argv)
    stale = []
    for name, refresh in refreshers().items():
        path = args.docs / name
        text = path.read_text(encoding="utf-8")
        fresh = refresh(text)
        if fresh != text:
            stale.append(name)
            if not args.check:
                path.write_text(fresh, encoding="utf-8")
    if args.check and stale:
        print(f"Out of date: {', '.join(stale)}. Run make docs.", file=sys.stderr)
        return 1
    for name in stale:
        print(f"Rewrote the generated parts of docs/{name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
