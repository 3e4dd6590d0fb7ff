"""One JSON request in, one JSON result out: the engine behind ``followup funnel``.

A request has the shape of a reference case (``../shared/funnel/cases``) without ``expected``::

    {"package": "FunnelPlotR 0.6.0", "options": {"data_type": "PR", "multiplier": 100},
     "input": {"code": [...], "numerator": [...], "denominator": [...]}}
    {"package": "PHEindicatormethods 2.0.0", "options": {"statistic": "rate", "multiplier": 1000},
     "input": {...}}

The result has the shape of the case's ``expected``. Numbers that are not finite are ``null``.
"""

from __future__ import annotations

import math
import sys
from typing import Any, TextIO

import numpy as np

from followup.spc.errors import SignalInputError
from followup.spc.funnel import funnel
from followup.spc.funnel_types import LEVELS, Funnel, Limits
from followup.spc.request import check_keys, mapping, serve

TOP_KEYS = {
    "package",
    "options",
    "input",
    "id",
    "versions",
    "dataset",
    "description",
    "seed",
    "call",
    "tags",
}
PLOTR_OPTIONS = {
    "data_type",
    "multiplier",
    "trim_by",
    "sr_method",
    "SHMI_rounding",
    "limits",
    "z95",
    "z998",
    "runs",
    "denominator_passed",
    "rate_factor",
}
PHE_OPTIONS = {"statistic", "multiplier", "rate_type", "years_of_data", "method", "limits"}
MAX_AREAS = 10_000
PLOTR, PHE = "FunnelPlotR 0.6.0", "PHEindicatormethods 2.0.0"
RUNS = ("unadjusted_95", "unadjusted_998", "adjusted_95", "adjusted_998")


def numbers(values: Any) -> Any:
    """Arrays and floats as JSON: lists, and ``None`` for what is not finite."""
    if isinstance(values, np.ndarray):
        return [numbers(v) for v in values.tolist()]
    if isinstance(values, float):
        return values if math.isfinite(values) else None
    return values


def _limits(limits: Limits, scale: float = 1.0) -> dict[str, Any]:
    return {key: numbers(value * scale) for key, value in limits.as_dict().items()}


def _number(options: dict[str, Any], key: str, default: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SignalInputError(f"options.{key}", f"expected a number, got {value!r}")
    if value <= 0:
        raise SignalInputError(f"options.{key}", f"expected a number above 0, got {value!r}")
    return float(value)


def _fixed(options: dict[str, Any], key: str, allowed: Any, default: Any) -> None:
    value = options.get(key, default)
    if value != allowed or type(value) is not type(allowed):
        raise SignalInputError(f"options.{key}", f"only {allowed!r} is supported, got {value!r}")


def run_request(request: Any) -> dict[str, Any]:
    """Answer one request; raise SignalInputError naming the request's field for bad input."""
    try:
        return _answer(request)
    except SignalInputError as error:
        field = error.field
        head = field.split("[", 1)[0]
        if head in {"numerator", "denominator", "expected", "code"}:
            field = f"input.{field}"
        elif head in {"trim_by", "method", "data_type"}:
            field = f"options.{field}"
        if field == error.field:
            raise
        raise SignalInputError(field, str(error).split(": ", 1)[1]) from None


def _answer(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise SignalInputError("request", "expected a JSON object with package, options and input")
    check_keys(request, TOP_KEYS, "request")
    package = request.get("package")
    options = mapping(request.get("options"), "options")
    data = mapping(request.get("input"), "input")
    check_keys(data, {"code", "numerator", "denominator", "expected"}, "input")
    for key in ("numerator", "denominator"):
        if key not in data:
            raise SignalInputError(f"input.{key}", "is required")
        if isinstance(data[key], list) and len(data[key]) > MAX_AREAS:
            raise SignalInputError(f"input.{key}", f"has more than {MAX_AREAS:,} areas")
    _check_codes(data)
    if package == PLOTR:
        return _plotr(options, data)
    if package == PHE:
        return _phe(options, data)
    raise SignalInputError("package", f"expected {PLOTR!r} or {PHE!r} exactly, got {package!r}")


def _check_codes(data: dict[str, Any]) -> None:
    """Codes, if given, one text per numerator and each once: FunnelPlotR would add up the rows
    that share a code, so a repeated code is refused rather than taken as two areas."""
    codes = data.get("code")
    if codes is None:
        return
    if not isinstance(data["numerator"], list):
        raise SignalInputError("input.numerator", "expected a list of numbers")
    if (
        not isinstance(codes, list)
        or len(codes) != len(data["numerator"])
        or not all(isinstance(c, str) for c in codes)
    ):
        raise SignalInputError("input.code", "expected one text code per numerator")
    seen: dict[str, int] = {}
    for i, code in enumerate(codes, start=1):
        if code in seen:
            raise SignalInputError(
                f"input.code[{i}]", f"{code!r} appears twice (also input.code[{seen[code]}])"
            )
        seen[code] = i


def _plotr(options: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    check_keys(options, PLOTR_OPTIONS, "options")
    data_type = options.get("data_type", "PR")
    if data_type not in {"PR", "SR"}:
        raise SignalInputError("options.data_type", f"expected PR or SR, got {data_type!r}")
    _fixed(options, "sr_method", "SHMI", "SHMI")
    _fixed(options, "SHMI_rounding", False, False)
    _fixed(options, "z95", 1.959964, 1.959964)
    _fixed(options, "z998", 3.090232, 3.090232)
    multiplier = _number(options, "multiplier", 100.0 if data_type == "PR" else 1.0)
    if data_type == "SR" and multiplier != 1:
        raise SignalInputError(
            "options.multiplier", f"a ratio's multiplier is 1, got {multiplier:g}"
        )
    trim_by = _number(options, "trim_by", 0.1)
    method = "plotr_pr" if data_type == "PR" else "plotr_sr"
    result = funnel(
        method,
        data["numerator"],
        data["denominator"],
        multiplier=multiplier,
        expected=data.get("expected"),
        trim_by=trim_by,
    )
    return _plotr_result(result, options, data, multiplier)


def _plotr_result(
    result: Funnel, options: dict[str, Any], data: dict[str, Any], multiplier: float
) -> dict[str, Any]:
    assert result.adjusted is not None and result.curve.adjusted is not None
    unadjusted = result.unadjusted
    assert unadjusted is not None
    used = result.adjusted_used
    positions: dict[str, tuple[str, ...]] = {}
    runs: dict[str, dict[str, bool]] = {}
    for run in RUNS:
        level = run.rsplit("_", 1)[1]
        adjusted_run = run.startswith("adjusted") and used
        positions[run] = (
            result.position[level] if adjusted_run else result.unadjusted_position[level]
        )
        runs[run] = {"draw_adjusted": adjusted_run, "draw_unadjusted": not adjusted_run}
    out: dict[str, Any] = {
        "centre": numbers(result.centre),
        "target_raw": numbers(result.centre / multiplier),
        "phi": numbers(result.phi),
        "tau2": numbers(result.tau2),
        "adjusted_used": used,
        "runs": runs,
        "per_area": {
            "value": numbers(result.value),
            "z": numbers(result.z),
            "z_winsorised": numbers(result.z_winsorised),
            "unadjusted": _limits(unadjusted),
            "adjusted": _limits(result.adjusted),
        },
        "outlier": {run: [int(p != "within") for p in pos] for run, pos in positions.items()},
        "position": {run: list(pos) for run, pos in positions.items()},
        "grid": {
            "n": numbers(result.curve.n),
            "unadjusted": _limits(result.curve.limits),
            "adjusted": _limits(result.curve.adjusted),
        },
    }
    if result.method == "plotr_sr":
        factor = _number(options, "rate_factor", 1000.0)
        num = np.asarray(data["numerator"], dtype=float)
        den = np.asarray(data["denominator"], dtype=float)
        centre = float(num.sum() / den.sum()) * factor
        out["rate_scale"] = {
            "factor": factor,
            "centre": centre,
            "value": numbers(num / den * factor),
            "unadjusted": _limits(unadjusted, centre),
            "adjusted": _limits(result.adjusted, centre),
        }
    return out


def _phe(options: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    check_keys(options, PHE_OPTIONS, "options")
    statistic = options.get("statistic")
    if statistic not in {"proportion", "rate"}:
        raise SignalInputError(
            "options.statistic", f"expected 'proportion' or 'rate', got {statistic!r}"
        )
    if statistic == "rate":
        _fixed(options, "rate_type", "crude", "crude")
        _fixed(options, "years_of_data", 1, 1)
    multiplier = _number(options, "multiplier", 100.0 if statistic == "proportion" else 1000.0)
    method = "phe_proportion" if statistic == "proportion" else "phe_rate"
    result = funnel(method, data["numerator"], data["denominator"], multiplier=multiplier)
    assert result.significance is not None
    per_area = {
        "value": numbers(result.value),
        "limits" if statistic == "proportion" else "interval": _limits(result.limits),
        "significance": list(result.significance),
    }
    curve = result.curve
    if curve.populations is None:
        grid: dict[str, Any] = {"n": numbers(curve.n), **_limits(curve.limits)}
    else:
        grid = {"events": numbers(curve.n)}
        for key, value in curve.limits.as_dict().items():
            grid[f"population_{key}"] = numbers(curve.populations.as_dict()[key])
            grid[key] = numbers(value)
    return {"centre": numbers(result.centre), "per_area": per_area, "grid": grid}


def main(
    path: str | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``followup funnel [FILE]``: 0 and the JSON result; 2 and one line on stderr if bad."""
    return serve(
        "funnel",
        run_request,
        path,
        stdin or sys.stdin,
        stdout or sys.stdout,
        stderr or sys.stderr,
    )


__all__ = ["LEVELS", "main", "run_request"]
