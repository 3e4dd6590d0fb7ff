"""Malformed requests: one clear line on standard error naming the field, nothing on standard output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from followup.spc.request import main

BAD = [
    (
        {"chart": "xyz", "input": {"y": [1, 2]}},
        "chart: expected one of run, i, mr, p, pp, u, up, c, xmr_mdc, got 'xyz'",
    ),
    ({"chart": "i", "input": {"y": [1, 2], "x": [1]}}, "input.x: expected one x value per y value"),
    ({"chart": "u", "input": {"y": [1, 2, 3], "n": [4, 5]}}, "input.n: has 2 values but y has 3"),
    ({"chart": "c", "input": {"y": [1, -2]}}, "input.y[2]: a count cannot be negative, got -2"),
    (
        {"chart": "p", "input": {"y": [3, 9], "n": [5, 8]}},
        "input.y[2]: the numerator 9 is above its denominator 8",
    ),
    (
        {"chart": "i", "input": {"y": [1, "two", 3]}},
        "input.y[2]: expected a number or null, got 'two'",
    ),
    ({"chart": "p", "input": {"y": [1, 2]}}, "input.n: a 'p' chart needs denominators"),
    (
        {"chart": "u", "input": {"y": [1, 2], "n": [3, -1]}},
        "input.n[2]: a denominator cannot be negative, got -1",
    ),
    (
        {"chart": "u", "input": {"y": [1, 2], "n": [3, 0]}},
        "input.n[2]: a denominator of 0 with a numerator of 2",
    ),
    (
        {"chart": "i", "options": {"freeze": 0}, "input": {"y": [1, 2]}},
        "options.freeze: expected a whole number of at least 1, got 0",
    ),
    (
        {"chart": "i", "options": {"part": [40]}, "input": {"y": [1, 2]}},
        "options.part: 40 is not between 0 and 2",
    ),
    (
        {"chart": "i", "options": {"exclude": [0]}, "input": {"y": [1, 2]}},
        "options.exclude: 0 is not between 1 and 2",
    ),
    (
        {"chart": "i", "options": {"colour": "red"}, "input": {"y": [1]}},
        "options.colour: unknown key (expected one of: exclude, freeze, method, part, screened_mr)",
    ),
    (
        {"chart": "i", "options": {"screened_mr": "yes"}, "input": {"y": [1]}},
        "options.screened_mr: expected true or false, got 'yes'",
    ),
    ({"chart": "i", "input": {}}, "input.y: is required"),
    ({"chart": "i", "input": {"y": "1,2,3"}}, "input.y: expected a list of numbers"),
    (
        {"chart": "xmr_mdc", "options": {"improvement_direction": "up"}, "input": {"y": [1]}},
        "options.improvement_direction: expected increase, decrease or neutral, got 'up'",
    ),
    (
        {
            "chart": "xmr_mdc",
            "options": {"improvement_direction": "increase", "fix_after_n_points": 5},
            "input": {"y": [1]},
        },
        "options.fix_after_n_points: expected a whole number of at least 12, got 5",
    ),
    (
        {
            "chart": "xmr_mdc",
            "options": {"improvement_direction": "increase"},
            "input": {"y": [1, 2], "date": ["2024-01-01", "soon"]},
        },
        "input.date[2]: expected a date such as 2024-03-01, got 'soon'",
    ),
    (
        {
            "chart": "xmr_mdc",
            "options": {"improvement_direction": "increase"},
            "input": {"y": [1, 2], "date": ["2024-01-01", "2024-01-01"]},
        },
        "input.date: each date may appear only once",
    ),
    ([1, 2, 3], "request: expected a JSON object with chart, options and input"),
]


@pytest.mark.parametrize(("request_", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_a_malformed_request_names_the_field_and_writes_nothing_to_standard_output(
    request_, message
):
    out, err = io.StringIO(), io.StringIO()
    status = main("-", stdin=io.StringIO(json.dumps(request_)), stdout=out, stderr=err)
    assert status == 2
    assert out.getvalue() == ""
    assert err.getvalue() == f"spc: {message}\n"


def test_text_that_is_not_json_is_refused_with_its_position():
    out, err = io.StringIO(), io.StringIO()
    assert main("-", stdin=io.StringIO('{"chart": "i",'), stdout=out, stderr=err) == 2
    assert err.getvalue().startswith("spc: the request is not valid JSON (line 1, column 15")
    assert out.getvalue() == ""


def test_nan_and_infinity_are_refused_in_favour_of_null():
    out, err = io.StringIO(), io.StringIO()
    assert (
        main(
            "-",
            stdin=io.StringIO('{"chart": "i", "input": {"y": [1, NaN]}}'),
            stdout=out,
            stderr=err,
        )
        == 2
    )
    assert (
        err.getvalue()
        == "spc: request: NaN is not a number JSON allows; use null for a missing value\n"
    )


def test_a_missing_file_is_reported_plainly():
    err = io.StringIO()
    assert main("/no/such/request.json", stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == "spc: cannot read /no/such/request.json: No such file or directory\n"


def test_a_request_with_no_end_is_refused_after_its_limit_is_read(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("this system has no /dev/zero")
    err = io.StringIO()
    assert main("/dev/zero", stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        "spc: the request is longer than 10,000,000 characters, the most this command reads; "
        "split it\n"
    )


def test_a_request_that_is_not_utf_8_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "request.json"
    path.write_bytes(b'{"chart": "\xff"}')
    err = io.StringIO()
    assert main(str(path), stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == f"spc: {path} is not UTF-8 text; save the request as UTF-8\n"


def test_a_request_nested_too_deeply_is_refused_in_one_line():
    out, err = io.StringIO(), io.StringIO()
    assert main("-", stdin=io.StringIO("[" * 100_000), stdout=out, stderr=err) == 2
    assert err.getvalue() == "spc: the request nests lists or objects too deeply to read\n"
    assert out.getvalue() == ""


def test_a_series_longer_than_a_chart_takes_is_refused_with_the_limit():
    request_ = {"chart": "i", "input": {"y": [1] * 100_001}}
    out, err = io.StringIO(), io.StringIO()
    assert main("-", stdin=io.StringIO(json.dumps(request_)), stdout=out, stderr=err) == 2
    assert err.getvalue() == (
        "spc: input.y: has 100,001 values; a request charts at most 100,000\n"
    )


def test_the_runs_limits_are_worked_out_only_for_the_lengths_that_occur():
    """Anhøj's crossing limit for n points costs time growing with n²; a 20,000-point series
    once worked it out for every length up to 20,000 (minutes). Counting the calls keeps that
    from coming back without a timed assertion."""
    from followup.spc import anhoej, control_chart

    anhoej.n_crossings_min.cache_clear()
    control_chart([float(i % 7) for i in range(5_000)], None, chart="i")
    assert anhoej.n_crossings_min.cache_info().currsize == 1


def test_output_cut_short_by_the_reader_ends_quietly():
    case = [sys.executable, "-m", "followup.cli", "spc"]
    request_ = json.dumps({"chart": "i", "input": {"y": list(range(20_000))}})
    done = subprocess.run(
        f"{' '.join(case)} | head -c 10",
        shell=True,
        input=request_,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == '{"per_poin'
    assert done.stderr == ""
