"""Small helpers the ``followup`` command's modules share."""

from __future__ import annotations

import sys
from typing import Any


def operator() -> Any:
    """The person running this command, as the audit log names them (cli:OS-USER)."""
    from followup.core.types import CommandLine

    return CommandLine.current()


def fail(message: str) -> int:
    """Say what went wrong on standard error; the command's exit status is 1."""
    print(message, file=sys.stderr)
    return 1
