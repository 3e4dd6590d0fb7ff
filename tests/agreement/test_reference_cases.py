"""The shared reference cases (../shared/agreement/cases, copied into cases/), through the library
and through ``followup agreement``: every number to 1e-9 relative, Gwet's to 1e-6."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest

from followup import cli
from followup.agreement import agreement
from followup.agreement.request import run_request
from tests.agreement.cases import differences, shared_cases

CASES = shared_cases()
TWO_READER_KEYS = {"n_pairs", "exact", "within_one", "cohen_kappa", "confusion_matrix"}


@pytest.fixture(autouse=True)
def _keep_umask():
    """``followup`` sets a private umask for what it writes; give the test process its own back."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _request(case: dict[str, Any]) -> dict[str, Any]:
    return {"input": case["input"]}


def test_the_shared_cases_are_found_and_include_both_worked_examples():
    ids = {case["id"] for case in CASES}
    assert {"example_12", "three_readers_01"} <= ids


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_shared_case_agrees_with_its_expected_figures(case):
    assert differences(case["expected"], run_request(_request(case))) == []


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_two_reader_figures_appear_exactly_when_there_are_two_readers(case):
    result = run_request(_request(case))
    two = len(case["input"]["ratings"]) == 2
    assert (set(result) >= TWO_READER_KEYS) is two
    assert not (TWO_READER_KEYS & set(result)) or two
    assert set(result["intervals"]) == set(case["expected"]) - {"n_pairs"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_a_whole_case_file_is_taken_as_a_request_its_expected_ignored(case):
    assert run_request(case) == run_request(_request(case))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_shared_case_agrees_through_followup_agreement(case, tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    status = cli.main(["agreement", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == ""
    assert differences(case["expected"], json.loads(out)) == []


def test_followup_agreement_reads_standard_input(monkeypatch, capsys):
    case = CASES[0]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(_request(case))))
    assert cli.main(["agreement"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert differences(case["expected"], json.loads(out)) == []
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(_request(case))))
    assert cli.main(["agreement", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(out)


def test_the_worked_example_s_intervals_and_confusion_matrix():
    """example_12 in full: what the result adds beside ``expected``. The t intervals are irrCAC
    0.4.4's (Conger's kappa for two readers, AC1, AC2, alpha with quadratic weights), to 1e-9."""
    result = run_request(_request(CASES[[c["id"] for c in CASES].index("example_12")]))
    intervals = result["intervals"]
    irrcac = {
        ("cohen_kappa", "unweighted"): (0.13234784729260018, 0.994924879980127),
        ("cohen_kappa", "linear"): (0.4438551406920498, 1.0),
        ("cohen_kappa", "quadratic"): (0.7056890786878387, 1.0),
        ("gwet", "ac1"): (0.24023928335933323, 0.9728754707390272),
        ("gwet", "ac2_quadratic"): (0.9154958664403371, 0.9947845073914389),
        ("krippendorff_alpha", "interval"): (0.7108172838160436, 1.0),
    }
    for (group, key), (lower, upper) in irrcac.items():
        got = intervals[group][key]
        assert got["method"] == "gwet_linearisation"
        assert got["lower"] == pytest.approx(lower, rel=1e-9, abs=1e-9)
        assert got["upper"] == pytest.approx(upper, rel=1e-9, abs=1e-9)
    ordinal = intervals["krippendorff_alpha"]["ordinal"]
    assert ordinal["method"] == "bootstrap_percentile"
    assert (ordinal["replicates"], ordinal["seed"]) == (2000, 18)
    assert ordinal["lower"] < result["krippendorff_alpha"]["ordinal"] < ordinal["upper"]
    assert intervals["exact"]["method"] == "wilson_score"
    assert result["confusion_matrix"]["grades"] == [1, 2, 3, 4, 5, 6]
    assert result["confusion_matrix"]["counts"] == [
        [0, 0, 0, 0, 0, 0],
        [0, 2, 0, 0, 0, 0],
        [0, 0, 2, 1, 0, 0],
        [0, 0, 1, 2, 1, 0],
        [0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 1],
    ]
    assert result["notes"] == {}
    assert (result["n_readers"], result["n_records"], result["confidence_level"]) == (2, 12, 0.95)


def test_the_library_gives_the_same_figures_as_the_request():
    case = CASES[0]
    measured = agreement(case["input"]["ratings"], case["input"]["scale"])
    result = run_request(_request(case))
    assert measured.alpha["ordinal"].value == result["krippendorff_alpha"]["ordinal"]
    assert measured.gwet["ac1"].value == result["gwet"]["ac1"]
