"""One JSON request in, one JSON result out: the engine behind ``followup agreement``.

A request has the shape of a shared reference case (``../shared/agreement/cases``) without
``expected``; a whole case is taken too, its ``id``, ``description`` and ``expected`` ignored::

    {"input": {"scale": [1, 2, 3, 4, 5, 6], "ratings": [[5, 4, null, ...], [5, 3, 4, ...]]}}

The result has the shape of the case's ``expected``: ``krippendorff_alpha`` (``ordinal``,
``interval``) and ``gwet`` (``ac1``, ``ac2_quadratic``) always; with exactly two readers also
``n_pairs``, ``exact``, ``within_one`` and ``cohen_kappa`` (``unweighted``, ``linear``,
``quadratic``). What it adds stays out of those keys, so a reader of ``expected`` reads it
unchanged:

- ``intervals``: the same keys again, each an object ``{"lower", "upper", "method"}`` with
  ``"standard_error"`` for the t intervals (method ``gwet_linearisation``), ``"replicates"`` and
  ``"seed"`` for the bootstrap (``bootstrap_percentile``), nothing more for ``wilson_score``;
- ``confusion_matrix`` (two readers): ``{"grades": scale, "counts": q × q}``, row k the records
  reader 1 graded ``grades[k]``, column l those reader 2 graded ``grades[l]``;
- ``notes``: for each figure or interval that is ``null``, why, keyed by its path
  (``"cohen_kappa.quadratic"``, ``"intervals.krippendorff_alpha.ordinal"``); ``{}`` when none is;
- ``confidence_level`` (0.95), ``n_readers``, ``n_records``, ``n_graded`` (records anyone
  graded) and ``n_pairable`` (records two or more readers graded).

A bad request is refused with exit status 2 and one line on standard error naming the field
(``agreement: input.ratings[2][5]: 7 is not on the scale, 1 to 6``), as ``followup spc`` does.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from followup.agreement.data import check_ratings
from followup.agreement.errors import AgreementInputError
from followup.agreement.measure import Agreement, measure
from followup.agreement.results import Estimate, Interval
from followup.jsonrequest import serve

TOP_KEYS = {"input", "id", "description", "expected"}
INPUT_KEYS = {"scale", "ratings"}


def _check_keys(data: dict[str, Any], allowed: set[str], name: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise AgreementInputError(
            f"{name}.{unknown[0]}", f"unknown key (expected one of: {', '.join(sorted(allowed))})"
        )


def run_request(request: Any) -> dict[str, Any]:
    """Answer one request; raise AgreementInputError naming the request's field for bad input."""
    if not isinstance(request, dict):
        raise AgreementInputError(
            "request", "expected a JSON object with input, holding scale and ratings"
        )
    _check_keys(request, TOP_KEYS, "request")
    if "input" not in request:
        raise AgreementInputError("input", "is required")
    data = request["input"]
    if not isinstance(data, dict):
        raise AgreementInputError("input", "expected an object with scale and ratings")
    _check_keys(data, INPUT_KEYS, "input")
    for key in ("scale", "ratings"):
        if key not in data:
            raise AgreementInputError(f"input.{key}", "is required")
    try:
        ratings = check_ratings(data["ratings"], data["scale"])
    except AgreementInputError as error:
        raise AgreementInputError(f"input.{error.field}", error.detail) from None
    return result_to_dict(measure(ratings))


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _interval(interval: Interval) -> dict[str, Any]:
    result: dict[str, Any] = {
        "lower": _number(interval.lower),
        "upper": _number(interval.upper),
        "method": interval.method,
    }
    if interval.standard_error is not None:
        result["standard_error"] = _number(interval.standard_error)
    if interval.replicates is not None:
        result["replicates"] = interval.replicates
        result["seed"] = interval.seed
    return result


class _Writer:
    """Puts each figure in the result, its interval in ``intervals`` and any reason in notes."""

    def __init__(self) -> None:
        self.result: dict[str, Any] = {}
        self.intervals: dict[str, Any] = {}
        self.notes: dict[str, str] = {}

    def put(self, path: str, estimate: Estimate) -> None:
        *groups, key = path.split(".")
        values, intervals = self.result, self.intervals
        for group in groups:
            values = values.setdefault(group, {})
            intervals = intervals.setdefault(group, {})
        values[key] = _number(estimate.value)
        interval = estimate.interval
        intervals[key] = None if interval is None else _interval(interval)
        if estimate.note is not None:
            where = path if estimate.value is None else f"intervals.{path}"
            self.notes[where] = estimate.note


def result_to_dict(result: Agreement) -> dict[str, Any]:
    """The result as JSON-ready data: the shape of a case's ``expected``, and more beside it."""
    writer = _Writer()
    pair = result.pair
    if pair is not None:
        writer.result["n_pairs"] = pair.n_pairs
        writer.put("exact", pair.exact)
        writer.put("within_one", pair.within_one)
        for kind, estimate in pair.kappa.items():
            writer.put(f"cohen_kappa.{kind}", estimate)
    for level, estimate in result.alpha.items():
        writer.put(f"krippendorff_alpha.{level}", estimate)
    for name, estimate in result.gwet.items():
        writer.put(f"gwet.{name}", estimate)
    answer = writer.result
    answer["intervals"] = writer.intervals
    if pair is not None:
        answer["confusion_matrix"] = {
            "grades": list(result.scale),
            "counts": pair.confusion.tolist(),
        }
    answer["notes"] = writer.notes
    answer["confidence_level"] = result.confidence
    answer["n_readers"] = result.n_readers
    answer["n_records"] = result.n_records
    answer["n_graded"] = result.n_graded
    answer["n_pairable"] = result.n_pairable
    return answer


def main(
    path: str | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Read a request from ``path`` (or standard input when None or '-') and print the result;
    2 and one line on standard error when the request cannot be read or is refused
    (``followup.jsonrequest``, which ``followup spc`` shares)."""
    return serve(
        "agreement",
        run_request,
        path,
        (stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr),
        refused=AgreementInputError,
        not_a_number=_not_a_number,
    )


def _not_a_number(name: str) -> AgreementInputError:
    return AgreementInputError(
        "request", f"{name} is not a number JSON allows; use null for a grade not given"
    )


__all__: Sequence[str] = ["main", "result_to_dict", "run_request"]
