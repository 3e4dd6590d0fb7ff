"""How the API reads a request's body: the one place its JSON is parsed and its charset checked.

- A body is UTF-8. A ``Content-Type`` may say so (``charset=utf-8``, or ``us-ascii``, which is
  UTF-8 too) or say nothing; any other charset is refused with 415 before a byte is read, rather
  than decoded as something it is not.
- JSON (:func:`loads`) is read strictly, the same for every address (the action update through
  :class:`JSONParser`, DRF's parser for every view, and the data values through
  ``datavalues.json_table``): a key given twice in one object, ``NaN`` or ``Infinity`` (which
  Python's reader takes but JSON does not have), nesting deeper than Python can follow, and
  bytes that are not UTF-8 are each refused with 400 naming the body, never resolved silently
  (the last of two keys winning) or left to raise. So is a lone surrogate escape
  (``"\\ud800"``), which JSON's grammar allows but which is no character: kept, it could be
  neither saved nor written back into an answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.parsers import BaseParser

# The charsets a body may declare: UTF-8, and US-ASCII, of which UTF-8 is a superset.
CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
# A name from the request quoted in a message, cut to this many characters.
QUOTED = 50


def check_charset(content_type: str) -> None:
    """Refuse (415) a ``Content-Type`` whose charset is anything but UTF-8 (or US-ASCII)."""
    _, params = parse_header_parameters(content_type or "")
    charset = params.get("charset")
    if charset is not None and charset.strip().lower() not in CHARSETS:
        raise exceptions.UnsupportedMediaType(
            content_type[:100],
            detail=f"Send the body as UTF-8, with charset=utf-8 or no charset: Followup does not "
            f"read “{charset[:QUOTED]}”.",
        )


class DuplicateKey(ValueError):
    """An object of a JSON body that gives a key more than once."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key “{key[:QUOTED]}” is given more than once in one object")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing one with a key given twice (Python's reader keeps the last)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return found


# A surrogate's escape in JSON text, and a surrogate left in a string once read (a pair's two
# escapes become one character; only a lone one stays).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in the read JSON (a key included) holds a lone surrogate."""
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(item) for item in value)
    return False


def _not_json(constant: str) -> Any:
    """NaN and Infinity, which Python's reader takes but JSON does not have."""
    raise ValueError(f"{constant} is not a JSON number")


def loads(data: bytes) -> Any:
    """A JSON body, read strictly; anything else is a 400 naming the body. A UTF-8 byte order
    mark is skipped, as JSON's standard allows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise exceptions.ParseError(
            f"The body is not UTF-8 text (byte {error.start + 1}): send JSON in UTF-8."
        ) from None
    try:
        body = json.loads(text, object_pairs_hook=_object, parse_constant=_not_json)
    except RecursionError:
        raise exceptions.ParseError("The body nests too deeply: send a JSON object.") from None
    except ValueError as error:  # json.JSONDecodeError, DuplicateKey and _not_json's
        raise exceptions.ParseError(f"The body is not JSON: {error}.") from None
    if SURROGATE_ESCAPE.search(text) and _lone_surrogate(body):
        raise exceptions.ParseError(
            "The body is not JSON Followup can read: a string holds a lone surrogate escape "
            "(such as \\ud800), which is no character. Send text as UTF-8 characters."
        )
    return body


class JSONParser(BaseParser):
    """DRF's parser for ``application/json``, reading the body as :func:`loads` does."""

    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        check_charset(media_type or "")
        return loads(bytes(stream.read()))
