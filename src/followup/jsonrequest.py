"""One JSON request on a command line, answered as JSON: what ``followup spc``, ``followup funnel``
and ``followup agreement`` share. The standard library only, beneath every other part of
Followup, so that the two numpy-only statistics libraries may both use it.

``serve`` reads the request from a file or standard input (at most ``MAX_REQUEST_CHARS``, so a
huge input is refused before it is read whole), refuses what is not UTF-8 or not JSON, and
``NaN`` and ``Infinity``, prints the answer, and returns 0; a request that cannot be read, or
that ``answer`` refuses by raising ``refused``, gives one line on standard error, naming the
command, and 2. A reader that stops reading (``| head``) ends it quietly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TextIO

# The longest request read: the file (or standard input) is read only this far and one more.
MAX_REQUEST_CHARS = 10_000_000


def serve(
    name: str,
    answer: Callable[[Any], dict[str, Any]],
    path: str | None,
    streams: tuple[TextIO, TextIO, TextIO],
    *,
    refused: type[Exception],
    not_a_number: Callable[[str], Exception],
) -> int:
    """Read one JSON request, answer it, print the result; 2 and one line on stderr if bad.
    ``streams`` are standard input, output and error; ``not_a_number(constant)`` is the error
    for ``NaN`` or ``Infinity`` in the request."""
    stdin, stdout, stderr = streams
    text = _read(name, path, stdin, stderr)
    if text is None:
        return 2

    def constant(word: str) -> Any:
        raise not_a_number(word)

    try:
        result = answer(json.loads(text, parse_constant=constant))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}: {error.msg}"
        print(f"{name}: the request is not valid JSON ({where})", file=stderr)
        return 2
    except RecursionError:
        print(f"{name}: the request nests lists or objects too deeply to read", file=stderr)
        return 2
    except refused as error:
        print(f"{name}: {error}", file=stderr)
        return 2
    try:
        json.dump(result, stdout, allow_nan=False)
        stdout.write("\n")
        stdout.flush()
    except BrokenPipeError:
        # The reader stopped reading (``| head``): nothing more to say, and no traceback when
        # Python flushes standard output on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    return 0


def _read(name: str, path: str | None, stdin: TextIO, stderr: TextIO) -> str | None:
    """The request's text, or None with the reason on standard error."""
    try:
        if path in (None, "-"):
            text = stdin.read(MAX_REQUEST_CHARS + 1)
        else:
            with open(str(path), encoding="utf-8") as handle:
                text = handle.read(MAX_REQUEST_CHARS + 1)
    except OSError as error:
        print(f"{name}: cannot read {path}: {error.strerror}", file=stderr)
        return None
    except UnicodeDecodeError:
        print(f"{name}: {path} is not UTF-8 text; save the request as UTF-8", file=stderr)
        return None
    if len(text) > MAX_REQUEST_CHARS:
        print(
            f"{name}: the request is longer than {MAX_REQUEST_CHARS:,} characters, the most "
            "this command reads; split it",
            file=stderr,
        )
        return None
    return text
