"""Funnel plots against FunnelPlotR 0.6.0 and PHEindicatormethods 2.0.0, run in R.

The eight shared cases (copies of ../shared/funnel/cases, with the package's plotted lines) and
the cases scripts/funnel_cases.R generated (tests/spc/funnel_cases/generated.json: small
denominators, zeros, proportions near 0 and 1, under- and over-dispersion, 8-council groups),
through the library and through ``followup funnel``: numbers to 1e-9 relative, positions and
labels exactly.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from followup import cli
from followup.spc.funnel import funnel
from followup.spc.funnel_request import run_request
from tests.spc.cases import differences

CASES = Path(__file__).resolve().parent / "funnel_cases"
SHARED = sorted((CASES / "shared").glob("case_*.json"))
GENERATED: list[dict[str, Any]] = json.loads((CASES / "generated.json").read_text())


def _shared(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def request_of(case: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in case.items() if key != "expected"}


def _rows_at(grid: dict[str, Any], n: list[float]) -> dict[str, Any]:
    """Our full lookup's rows at the denominators the package's thinned grid kept."""
    ours = np.array(grid["n"], dtype=float)
    index = [int(np.argmin(np.abs(ours - value))) for value in n]
    picked: dict[str, Any] = {"n": [grid["n"][i] for i in index]}
    for key in ("unadjusted", "adjusted"):
        picked[key] = {name: [col[i] for i in index] for name, col in grid[key].items()}
    return picked


def _compare(case: dict[str, Any], got: dict[str, Any]) -> list[str]:
    expected = dict(case["expected"])
    if "n" in expected.get("grid", {}) and "unadjusted" in expected["grid"]:
        got = dict(got, grid=_rows_at(got["grid"], expected["grid"]["n"]))
    return differences(expected, got)


@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.stem)
def test_every_shared_case_agrees_through_followup_funnel(path, tmp_path, capsys):
    case = _shared(path)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(request_of(case)))
    status = cli.main(["funnel", str(request)])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert _compare(case, json.loads(out)) == []


@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.stem)
def test_every_shared_case_agrees_through_the_library(path):
    case = _shared(path)
    options, data = case["options"], case["input"]
    if case["package"].startswith("FunnelPlotR"):
        method = "plotr_pr" if options["data_type"] == "PR" else "plotr_sr"
        result = funnel(
            method,
            data["numerator"],
            data["denominator"],
            multiplier=options["multiplier"],
            expected=data.get("expected"),
        )
        assert result.position["998"] == tuple(case["expected"]["position"]["adjusted_998"])
        assert result.position["95"] == tuple(case["expected"]["position"]["adjusted_95"])
        assert result.adjusted_used is case["expected"]["adjusted_used"]
        assert result.phi == pytest.approx(case["expected"]["phi"], rel=1e-9)
    else:
        method = "phe_proportion" if options["statistic"] == "proportion" else "phe_rate"
        result = funnel(
            method, data["numerator"], data["denominator"], multiplier=options["multiplier"]
        )
        assert result.significance == tuple(case["expected"]["per_area"]["significance"])
    assert result.centre == pytest.approx(case["expected"]["centre"], rel=1e-9)
    assert np.allclose(result.value, case["expected"]["per_area"]["value"], rtol=1e-9)


@pytest.mark.parametrize("case", GENERATED, ids=lambda c: c["id"])
def test_every_generated_case_agrees_with_the_r_package(case):
    assert _compare(case, run_request(request_of(case))) == []


def test_the_generated_cases_cover_what_the_issue_asks_for():
    descriptions = " ".join(case["description"] for case in GENERATED)
    for wanted in ("small denominators", "near 0", "near 1", "underdispersed", "overdispersed"):
        assert wanted in descriptions
    assert {len(case["input"]["code"]) for case in GENERATED} == {8, 32}
    plotr = [case for case in GENERATED if case["package"].startswith("FunnelPlotR")]
    assert {case["expected"]["adjusted_used"] for case in plotr} == {True, False}
    assert any(0 in case["input"]["numerator"] for case in GENERATED)


def test_a_generated_case_agrees_through_followup_funnel_from_standard_input(monkeypatch, capsys):
    case = next(c for c in GENERATED if c["id"].startswith("gen_sr"))
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(request_of(case))))
    assert cli.main(["funnel"]) == 0
    assert _compare(case, json.loads(capsys.readouterr().out)) == []


def test_a_rate_request_without_expected_counts_uses_the_pooled_rate_times_the_population():
    case = _shared(CASES / "shared" / "case_19.json")
    request = request_of(case)
    request["input"] = {k: v for k, v in request["input"].items() if k != "expected"}
    assert _compare(case, run_request(request)) == []
