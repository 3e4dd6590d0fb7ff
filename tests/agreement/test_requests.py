"""Bad requests to ``followup agreement``: status 2, one line on standard error naming the field,
nothing on standard output, and no traceback."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from followup import cli
from followup.agreement.request import main

SIX = [1, 2, 3, 4, 5, 6]


def _input(scale: Any = SIX, ratings: Any = None) -> dict[str, Any]:
    return {"input": {"scale": scale, "ratings": [[1, 2], [2, 2]] if ratings is None else ratings}}


CONSECUTIVE = (
    "one more than the grade before: a scale is consecutive whole numbers in increasing order, "
    "such as [1, 2, 3, 4, 5, 6]"
)
WHOLE = "expected a whole number between -1,000,000 and 1,000,000"
BAD: list[tuple[Any, str]] = [
    ([1, 2, 3], "request: expected a JSON object with input, holding scale and ratings"),
    ("ratings", "request: expected a JSON object with input, holding scale and ratings"),
    ({}, "input: is required"),
    ({"input": [1, 2]}, "input: expected an object with scale and ratings"),
    ({"input": {"ratings": [[1], [1]]}}, "input.scale: is required"),
    ({"input": {"scale": SIX}}, "input.ratings: is required"),
    (
        {**_input(), "options": {"seed": 3}},
        "request.options: unknown key (expected one of: description, expected, id, input)",
    ),
    (
        {"input": {**_input()["input"], "weights": "quadratic"}},
        "input.weights: unknown key (expected one of: ratings, scale)",
    ),
    (
        _input(scale="1-6"),
        'input.scale: expected a list of consecutive whole numbers such as [1, 2, 3, 4, 5, 6], got "1-6"',
    ),
    (_input(scale=[1]), "input.scale: expected at least two grades, got 1"),
    (_input(scale=[]), "input.scale: expected at least two grades, got 0"),
    (_input(scale=list(range(1, 22))), "input.scale: has 21 grades; a scale has at most 20"),
    (_input(scale=[1, 2.5, 3]), f"input.scale[2]: {WHOLE}, got 2.5"),
    (_input(scale=[True, False]), f"input.scale[1]: {WHOLE}, got true"),
    (_input(scale=["1", "2"]), f'input.scale[1]: {WHOLE}, got "1"'),
    (_input(scale=[None, 2]), f"input.scale[1]: {WHOLE}, got null"),
    (_input(scale=[1e300, 2]), f"input.scale[1]: {WHOLE}, got 1e+300"),
    (_input(scale=[1, 3, 4]), f"input.scale[2]: expected 2, {CONSECUTIVE}"),
    (_input(scale=[6, 5, 4, 3, 2, 1]), f"input.scale[2]: expected 7, {CONSECUTIVE}"),
    (_input(scale=[1, 1, 2]), f"input.scale[2]: expected 2, {CONSECUTIVE}"),
    (
        _input(ratings="5,4;5,3"),
        'input.ratings: expected a list with one list of grades for each reader, got "5,4;5,3"',
    ),
    (
        _input(ratings={"a": [1], "b": [2]}),
        'input.ratings: expected a list with one list of grades for each reader, got {"a": [1], "b": [2]}',
    ),
    (_input(ratings=[[1, 2]]), "input.ratings: expected the grades of at least two readers, got 1"),
    (_input(ratings=[]), "input.ratings: expected the grades of at least two readers, got 0"),
    (
        _input(ratings=[[1, 2], [1]]),
        "input.ratings[2]: has 1 grade where reader 1 has 2 grades: every reader needs one "
        "grade for each record, null where not graded",
    ),
    (
        _input(ratings=[[1, 2], [1, 2], [1, 2, 3]]),
        "input.ratings[3]: has 3 grades where reader 1 has 2 grades: every reader needs one "
        "grade for each record, null where not graded",
    ),
    (
        _input(ratings=[[1, 2], "3,4"]),
        "input.ratings[2]: expected a list of grades, one for each record (null where the "
        'reader did not grade it), got "3,4"',
    ),
    (
        _input(ratings=[[1, 2], None]),
        "input.ratings[2]: expected a list of grades, one for each record (null where the "
        "reader did not grade it), got null",
    ),
    (_input(ratings=[[1, 7], [1, 2]]), "input.ratings[1][2]: 7 is not on the scale, 1 to 6"),
    (_input(ratings=[[1, 2], [0, 2]]), "input.ratings[2][1]: 0 is not on the scale, 1 to 6"),
    (
        _input(ratings=[[1, True], [1, 2]]),
        "input.ratings[1][2]: expected a grade from 1 to 6, or null, got true",
    ),
    (
        _input(ratings=[[1, 2], [1, "4"]]),
        'input.ratings[2][2]: expected a grade from 1 to 6, or null, got "4"',
    ),
    (
        _input(ratings=[[1, 4.5], [1, 2]]),
        "input.ratings[1][2]: expected a grade from 1 to 6, or null, got 4.5",
    ),
    (
        _input(ratings=[[1, [4]], [1, 2]]),
        "input.ratings[1][2]: expected a grade from 1 to 6, or null, got [4]",
    ),
    (
        _input(ratings=[[1, 2]] * 51),
        "input.ratings: has 51 readers; at most 50 are taken",
    ),
    (
        _input(ratings=[[1] * 10_001, [1] * 10_001]),
        "input.ratings[1]: has 10,001 grades; at most 10,000 records are taken",
    ),
    (
        _input(ratings=[[1] * 3, ["x"] * 100]),
        "input.ratings[2]: has 100 grades where reader 1 has 3 grades: every reader needs one "
        "grade for each record, null where not graded",
    ),
]


def _run(text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main("-", stdin=io.StringIO(text), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("request_", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_a_malformed_request_names_the_field_and_writes_nothing_to_standard_output(
    request_, message
):
    status, out, err = _run(json.dumps(request_))
    assert (status, out) == (2, "")
    assert err == f"agreement: {message}\n"


def test_grades_written_as_whole_floats_are_taken_as_the_grades():
    status, out, _ = _run(json.dumps(_input(scale=[1.0, 2, 3], ratings=[[1.0, 3], [1, 3.0]])))
    assert status == 0
    assert json.loads(out)["exact"] == 1.0


def test_text_that_is_not_json_is_refused_with_its_position():
    status, out, err = _run('{"input": {"scale": [1, 2],')
    assert (status, out) == (2, "")
    assert err.startswith("agreement: the request is not valid JSON (line 1, column 28")
    assert err.count("\n") == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_in_favour_of_null(constant):
    text = '{"input": {"scale": [1, 2], "ratings": [[1, CONSTANT], [1, 2]]}}'
    status, out, err = _run(text.replace("CONSTANT", constant))
    assert (status, out) == (2, "")
    assert err == (
        f"agreement: request: {constant} is not a number JSON allows; use null for a grade not "
        "given\n"
    )


def test_a_request_nested_too_deeply_is_refused_in_one_line():
    status, out, err = _run("[" * 100_000)
    assert (status, out) == (2, "")
    assert err == "agreement: the request nests lists or objects too deeply to read\n"


def test_a_missing_file_is_reported_plainly():
    err = io.StringIO()
    assert main("/no/such/request.json", stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        "agreement: cannot read /no/such/request.json: No such file or directory\n"
    )


def test_a_request_that_is_not_utf_8_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "request.json"
    path.write_bytes(b'{"input": "\xff"}')
    err = io.StringIO()
    assert main(str(path), stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == f"agreement: {path} is not UTF-8 text; save the request as UTF-8\n"


def test_a_request_with_no_end_is_refused_after_its_limit_is_read():
    if not Path("/dev/zero").exists():
        pytest.skip("this system has no /dev/zero")
    err = io.StringIO()
    assert main("/dev/zero", stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        "agreement: the request is longer than 10,000,000 characters, the most this command "
        "reads; split it\n"
    )


def test_the_largest_request_taken_is_answered():
    """50 readers × 10,000 records on a 20-grade scale: the most a request holds."""
    scale = list(range(1, 21))
    ratings = [[(i * 7 + reader) % 20 + 1 for i in range(10_000)] for reader in range(50)]
    status, out, err = _run(json.dumps({"input": {"scale": scale, "ratings": ratings}}))
    assert (status, err) == (0, "")
    assert json.loads(out)["n_pairable"] == 10_000


def test_a_bad_request_through_followup_agreement_exits_2_without_a_traceback(tmp_path, capsys):
    old = os.umask(0o022)
    os.umask(old)
    try:
        path = tmp_path / "request.json"
        path.write_text(json.dumps(_input(ratings=[[1, 9], [1, 2]])))
        assert cli.main(["agreement", str(path)]) == 2
    finally:
        os.umask(old)
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "agreement: input.ratings[1][2]: 9 is not on the scale, 1 to 6\n"
