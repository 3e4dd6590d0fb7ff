"""Small helpers the ``followup`` command's modules share."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

MB = 1024 * 1024


def operator() -> Any:
    """The person running this command, as the audit log names them (cli:OS-USER)."""
    from followup.lib.types import CommandLine

    return CommandLine.current()


def fail(message: str) -> int:
    """Say what went wrong on standard error; the command's exit status is 1."""
    print(message, file=sys.stderr)
    return 1


def read_bounded(path: str, limit: int) -> bytes:
    """The file's bytes, reading at most ``limit`` and one more: a file larger than ``limit``
    (or one with no end, such as /dev/zero) raises ``UploadError`` naming the limit. Its
    declared size is never trusted, so a special file or one still growing costs no more."""
    from followup.lib.uploads import UploadError

    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            f"the file is larger than {size_text(limit)}, the most this command reads; split it"
        )
    return data


def size_text(size: int) -> str:
    """A size in words: "20 MB", "256 KB"."""
    if size >= MB:
        return f"{size / MB:.1f}".removesuffix(".0") + " MB"
    return f"{size // 1024} KB"


def add_command(
    commands: Commands, name: str, handler: Callable[[argparse.Namespace], int], text: str
) -> argparse.ArgumentParser:
    """Add the command ``name``, run by ``handler``; ``text`` is both its line in the list of
    commands and its description."""
    sub = commands.add_parser(name, help=text, description=text)
    sub.set_defaults(handler=handler)
    return sub
