"""One JSON request in, one JSON result out: the engine behind ``followup spc``.

A request has the shape of a reference case without ``expected``::

    {"chart": "i", "options": {"freeze": 12, "screened_mr": true}, "input": {"y": [...], "n": null}}
    {"chart": "xmr_mdc", "options": {"improvement_direction": "decrease"},
     "input": {"date": ["2024-01-01", ...], "y": [...]}}
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from followup.jsonrequest import serve as serve_json
from followup.spc.errors import SignalInputError
from followup.spc.mdc import making_data_count
from followup.spc.qic import CHARTS, control_chart
from followup.spc.serialise import chart_to_dict, mdc_to_dict

QIC_OPTIONS = {"freeze", "part", "exclude", "screened_mr", "method"}
MDC_OPTIONS = {
    "improvement_direction",
    "rebase_dates",
    "fix_after_n_points",
    "target",
    "screen_outliers",
}
TOP_KEYS = {"chart", "options", "input", "id", "generator", "description", "tags", "call"}


def mapping(value: Any, name: str) -> dict[str, Any]:
    """The request's object at ``name`` (empty when absent); anything else is refused."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SignalInputError(name, "expected an object")
    return value


def check_keys(data: dict[str, Any], allowed: set[str], name: str) -> None:
    """Refuse the first key of ``data`` (at ``name``) that is not ``allowed``, listing those that are."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SignalInputError(
            f"{name}.{unknown[0]}", f"unknown key (expected one of: {', '.join(sorted(allowed))})"
        )


def _flag(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise SignalInputError(name, f"expected true or false, got {value!r}")
    return value


def run_request(request: Any) -> dict[str, Any]:
    """Answer one request; raise SignalInputError naming the request's field for bad input."""
    try:
        return _answer(request)
    except SignalInputError as error:
        field = error.field
        head = field.split("[", 1)[0]
        if head in {"y", "n"}:
            field = f"input.{field}"
        elif head == "dates":
            field = "input.date" + field[len("dates") :]
        elif head in QIC_OPTIONS | MDC_OPTIONS or head.startswith("rebase_dates"):
            field = f"options.{field}"
        if field == error.field:
            raise
        raise SignalInputError(field, str(error).split(": ", 1)[1]) from None


def _answer(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise SignalInputError("request", "expected a JSON object with chart, options and input")
    check_keys(request, TOP_KEYS, "request")
    chart = request.get("chart")
    options = mapping(request.get("options"), "options")
    data = mapping(request.get("input"), "input")
    if "y" not in data:
        raise SignalInputError("input.y", "is required")
    if _length(data["y"]) > MAX_POINTS:
        raise SignalInputError(
            "input.y", f"has {_length(data['y']):,} values; a request charts at most {MAX_POINTS:,}"
        )
    if chart == "xmr_mdc":
        check_keys(options, MDC_OPTIONS, "options")
        check_keys(data, {"y", "date", "x"}, "input")
        direction = options.get("improvement_direction", "increase")
        result = making_data_count(
            data["y"],
            data.get("date"),
            improvement_direction=direction,
            rebase_dates=options.get("rebase_dates"),
            fix_after_n_points=options.get("fix_after_n_points"),
            target=options.get("target"),
            screen_outliers=_flag(options.get("screen_outliers"), "options.screen_outliers", True),
        )
        return mdc_to_dict(result)
    if chart not in CHARTS:
        raise SignalInputError(
            "chart", f"expected one of {', '.join((*CHARTS, 'xmr_mdc'))}, got {chart!r}"
        )
    check_keys(options, QIC_OPTIONS, "options")
    check_keys(data, {"x", "y", "n"}, "input")
    method = options.get("method", "anhoej")
    if method != "anhoej":
        raise SignalInputError("options.method", f"only 'anhoej' is supported, got {method!r}")
    x = data.get("x")
    if x is not None and (not isinstance(x, list) or len(x) != _length(data["y"])):
        raise SignalInputError("input.x", "expected one x value per y value")
    chart_result = control_chart(
        data["y"],
        data.get("n"),
        chart=chart,
        freeze=options.get("freeze"),
        part=options.get("part"),
        exclude=options.get("exclude"),
        screened_mr=_flag(options.get("screened_mr"), "options.screened_mr", False),
    )
    return chart_to_dict(chart_result)


def _length(values: Any) -> int:
    return len(values) if isinstance(values, list) else -1


# The most values one chart takes: a monthly series of 8,000 years, charted in about 3 seconds.
MAX_POINTS = 100_000


def main(
    path: str | None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Read a request from ``path`` (or standard input when None or '-') and print the result."""
    return serve("spc", run_request, path, stdin, stdout, stderr)


def serve(
    name: str,
    answer: Callable[[Any], dict[str, Any]],
    path: str | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Read one JSON request, answer it, print the result; 2 and one line on stderr if bad
    (``followup.jsonrequest``, which ``followup agreement`` shares)."""
    return serve_json(
        name,
        answer,
        path,
        (stdin, stdout, stderr),
        refused=SignalInputError,
        not_a_number=_not_a_number,
    )


def _not_a_number(name: str) -> SignalInputError:
    return SignalInputError(
        "request", f"{name} is not a number JSON allows; use null for a missing value"
    )


__all__: Sequence[str] = ["main", "run_request", "serve"]
