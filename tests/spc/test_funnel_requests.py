"""Bad funnel requests: one line on standard error naming the field, status 2, nothing on
standard output, never a traceback."""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

import pytest

from followup.spc.funnel import funnel
from followup.spc.funnel_request import main

GOOD: dict[str, Any] = {
    "package": "FunnelPlotR 0.6.0",
    "options": {"data_type": "PR", "multiplier": 100},
    "input": {"code": ["A", "B", "C"], "numerator": [1, 2, 3], "denominator": [10, 20, 30]},
}


def _with(path: str, value: Any) -> dict[str, Any]:
    request = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    target = request
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return request


BAD = [
    (["not", "an", "object"], "funnel: request: expected a JSON object"),
    (_with("package", "qicharts2"), "funnel: package: expected 'FunnelPlotR 0.6.0'"),
    (_with("colour", "red"), "funnel: request.colour: unknown key"),
    (_with("options.data_type", "RC"), "funnel: options.data_type: expected PR or SR"),
    (_with("options.sr_method", "CQC"), "funnel: options.sr_method: only 'SHMI' is supported"),
    (_with("options.multiplier", -1), "funnel: options.multiplier: expected a number above 0"),
    (_with("options.trim_by", 0.7), "funnel: options.trim_by: expected a number between 0 and 0.5"),
    (_with("input.numerator", KeyError), "funnel: input.numerator: is required"),
    (_with("input.numerator", [1, "two", 3]), "funnel: input.numerator[2]: expected a number"),
    (
        _with("input.numerator", [1, -2, 3]),
        "funnel: input.numerator[2]: expected a number 0 or more",
    ),
    (_with("input.numerator", [1, 2.5, 3]), "funnel: input.numerator[2]: expected a whole number"),
    (
        _with("input.numerator", [1, 25, 3]),
        "funnel: input.numerator[2]: a proportion's numerator (25)",
    ),
    (
        _with("input.denominator", [10, 0, 30]),
        "funnel: input.denominator[2]: expected a number greater than 0",
    ),
    (_with("input.denominator", [10, 20]), "funnel: input.denominator: expected 3 values"),
    (_with("input.code", ["A"]), "funnel: input.code: expected one text code per numerator"),
    (
        {**GOOD, "input": {"numerator": [1, 2], "denominator": [5, 6]}},
        "funnel: input.numerator: expected at least 3 areas",
    ),
    (
        {
            "package": "PHEindicatormethods 2.0.0",
            "options": {"statistic": "ratio"},
            "input": GOOD["input"],
        },
        "funnel: options.statistic: expected 'proportion' or 'rate'",
    ),
    (
        {
            "package": "PHEindicatormethods 2.0.0",
            "options": {"statistic": "rate", "rate_type": "dsr"},
            "input": GOOD["input"],
        },
        "funnel: options.rate_type: only 'crude' is supported",
    ),
    (
        {
            "package": "PHEindicatormethods 2.0.0",
            "options": {"statistic": "rate"},
            "input": {"numerator": [0, 0, 0], "denominator": [5, 6, 7]},
        },
        "funnel: input.numerator: expected at least one event",
    ),
    (
        {
            "package": "FunnelPlotR 0.6.0",
            "options": {"data_type": "SR", "multiplier": 1},
            "input": {**GOOD["input"], "expected": [1, 2]},
        },
        "funnel: input.expected: expected 3 values",
    ),
]


@pytest.mark.parametrize(("request_", "message"), BAD, ids=[m.split(": ")[1] for _, m in BAD])
def test_a_bad_funnel_request_names_the_field_on_one_line_and_writes_nothing(request_, message):
    out, err = io.StringIO(), io.StringIO()
    status = main("-", stdin=io.StringIO(json.dumps(request_)), stdout=out, stderr=err)
    assert status == 2
    assert err.getvalue().startswith(message)
    assert err.getvalue().count("\n") == 1
    assert out.getvalue() == ""


def test_text_that_is_not_json_is_refused_with_its_position():
    out, err = io.StringIO(), io.StringIO()
    assert main("-", stdin=io.StringIO('{"package": '), stdout=out, stderr=err) == 2
    assert err.getvalue().startswith("funnel: the request is not valid JSON (line 1, column 13")
    assert out.getvalue() == ""


def test_a_missing_file_is_reported_plainly():
    err = io.StringIO()
    assert main("/no/such/request.json", stdout=io.StringIO(), stderr=err) == 2
    assert (
        err.getvalue() == "funnel: cannot read /no/such/request.json: No such file or directory\n"
    )


def test_a_good_request_with_a_council_of_no_events_gives_null_for_its_log_z_score():
    request = {
        "package": "FunnelPlotR 0.6.0",
        "options": {"data_type": "SR", "multiplier": 1},
        "input": {"numerator": [0, 12, 9, 11], "denominator": [1000, 1000, 1000, 1000]},
    }
    out, err = io.StringIO(), io.StringIO()
    assert main("-", stdin=io.StringIO(json.dumps(request)), stdout=out, stderr=err) == 0
    result = json.loads(out.getvalue())
    assert result["per_area"]["z"][0] is None
    assert result["per_area"]["value"][0] == 0


def _refused(request: Any) -> str:
    out, err = io.StringIO(), io.StringIO()
    status = main("-", stdin=io.StringIO(json.dumps(request)), stdout=out, stderr=err)
    assert (status, out.getvalue(), err.getvalue().count("\n")) == (2, "", 1)
    return err.getvalue()


def test_a_numerator_too_large_for_a_float_is_refused_as_not_finite_without_a_traceback():
    request = _with("input.numerator", [1, 2, 3, 10**400])
    request["input"]["denominator"] = [10, 20, 30, 40]
    request["input"]["code"] = ["A", "B", "C", "D"]
    assert _refused(request) == (
        "funnel: input.numerator[4]: expected a finite number, got one too large\n"
    )


@pytest.mark.parametrize(
    "package", ["FunnelPlotR 9.9", "FunnelPlotRubbish", "PHEindicatormethods", "funnelplotr 0.6.0"]
)
def test_a_package_other_than_the_two_supported_versions_is_refused(package):
    assert _refused(_with("package", package)) == (
        "funnel: package: expected 'FunnelPlotR 0.6.0' or 'PHEindicatormethods 2.0.0' exactly, "
        f"got {package!r}\n"
    )


def _phe_rate(numerator: list[float], denominator: list[float]) -> dict[str, Any]:
    return {
        "package": "PHEindicatormethods 2.0.0",
        "options": {"statistic": "rate"},
        "input": {"numerator": numerator, "denominator": denominator},
    }


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            _phe_rate([1e300, 5, 7], [10, 20, 30]),
            "input.numerator[1]: expected a number no more than 1,000,000,000, got 1e+300",
        ),
        (
            _with("input.denominator", [10, 20, 1e300]),
            "input.denominator[3]: expected a number no more than 1,000,000,000, got 1e+300",
        ),
        (
            _phe_rate([1, 5, 7], [1e-320, 20, 30]),
            "input.denominator[1]: expected a number at least 0.000001, got 1e-320",
        ),
        (
            {
                "package": "FunnelPlotR 0.6.0",
                "options": {"data_type": "SR", "multiplier": 1},
                "input": {**GOOD["input"], "expected": [1, 2e300, 3]},
            },
            "input.expected[2]: expected a number no more than 1,000,000,000, got 2e+300",
        ),
    ],
)
def test_counts_and_denominators_past_the_documented_bounds_are_refused_naming_the_field(
    request_, message
):
    assert _refused(request_) == f"funnel: {message}\n"


@pytest.mark.parametrize(
    ("method", "numerator", "denominator"),
    [
        ("plotr_sr", [1, 5, 7], [1e-6, 1e9, 20]),
        ("plotr_sr", [0, 1, 1], [1e-6, 1e-6, 1e-6]),
        ("phe_proportion", [999_999_999, 5, 7], [1e9, 10, 10]),
        ("phe_rate", [1e9, 5, 7], [1e9, 1e9, 1e9]),
        ("plotr_pr", [1e9, 5, 7], [1e9, 1e9, 1e9]),
    ],
)
def test_extreme_figures_within_the_bounds_give_limits_without_a_numpy_warning(
    method, numerator, denominator
):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = funnel(method, numerator, denominator, multiplier=100, plot_points=120)
    assert len(result.value) == 3


def test_a_code_given_twice_is_refused_rather_than_taken_as_two_areas():
    request = _with("input.code", ["A", "B", "A"])
    assert _refused(request) == ("funnel: input.code[3]: 'A' appears twice (also input.code[1])\n")


@pytest.mark.parametrize("numerator", [{"a": 1}, "1,2,3", 7])
def test_a_numerator_that_is_not_a_list_is_named_even_with_codes_given(numerator):
    assert _refused(_with("input.numerator", numerator)) == (
        "funnel: input.numerator: expected a list of numbers\n"
    )
