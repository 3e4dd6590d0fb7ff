"""Properties that must hold for any input (hypothesis), beyond the reference cases."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.spc import control_chart, control_charts, making_data_count
from followup.spc.anhoej import longest_run_max, n_crossings_min, runs_analysis
from followup.spc.serialise import chart_to_dict

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
series = st.lists(st.one_of(values, st.none()), min_size=0, max_size=500)
counts = st.integers(min_value=0, max_value=10_000)
CHARTS = ["run", "i", "mr", "c"]
RATE_CHARTS = ["p", "pp", "u", "up"]


def test_anhoej_limits_match_the_published_table_for_5_to_100_useful_observations():
    table = json.loads(
        (Path(__file__).parent / "reference" / "shared" / "anhoej_limits_table.json").read_text()
    )
    rows = table["rows"]
    assert [r["n_useful"] for r in rows] == list(range(5, 101))
    for row in rows:
        assert longest_run_max(row["n_useful"]) == row["longest_run_max"]
        assert n_crossings_min(row["n_useful"]) == row["n_crossings_min"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(values, st.none()), min_size=0, max_size=500),
    st.sampled_from(CHARTS),
    st.booleans(),
)
def test_nothing_raises_on_any_finite_input_of_length_0_to_500(ys, chart, screened):
    ys = [None if v is None else abs(v) if chart == "c" else v for v in ys]
    result = control_chart(ys, chart=chart, screened_mr=screened)
    assert len(result.per_point.cl) == len(ys)
    json.dumps(chart_to_dict(result), allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(counts, counts), min_size=0, max_size=500),
    st.sampled_from(RATE_CHARTS),
    st.booleans(),
)
def test_nothing_raises_on_any_counts_and_denominators(pairs, chart, screened):
    ys = [min(a, b) for a, b in pairs]
    ns = [max(a, b) for a, b in pairs]
    result = control_chart(ys, ns, chart=chart, screened_mr=screened)
    json.dumps(chart_to_dict(result), allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(values, min_size=2, max_size=100), st.floats(min_value=-1e4, max_value=1e4))
def test_adding_a_constant_shifts_the_i_chart_centre_and_limits_by_that_constant(ys, shift):
    base = control_chart(ys, chart="i")
    moved = control_chart([y + shift for y in ys], chart="i")
    scale = max(1.0, max(abs(y) for y in ys), abs(shift))
    for name in ("cl", "lcl", "ucl"):
        assert np.allclose(
            getattr(moved.per_point, name),
            getattr(base.per_point, name) + shift,
            rtol=1e-9,
            atol=1e-9 * scale,
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(values, min_size=2, max_size=100))
def test_i_chart_limits_are_symmetric_about_the_centre_line(ys):
    p = control_chart(ys, chart="i", screened_mr=True).per_point
    scale = max(1.0, max(abs(y) for y in ys))
    assert np.allclose(p.ucl - p.cl, p.cl - p.lcl, rtol=1e-9, atol=1e-9 * scale, equal_nan=True)
    assert np.allclose(
        p.ucl_95 - p.cl, p.cl - p.lcl_95, rtol=1e-9, atol=1e-9 * scale, equal_nan=True
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=1, max_size=60),
    st.integers(2, 9),
)
def test_scaling_counts_and_denominators_together_leaves_a_p_chart_unchanged(pairs, factor):
    ys = [min(a, b) for a, b in pairs]
    ns = [max(a, b) for a, b in pairs]
    one = control_chart(ys, ns, chart="p")
    # Limits narrow with larger denominators; the centre line and plotted proportions do not move.
    many = control_chart([y * factor for y in ys], [n * factor for n in ns], chart="p")
    assert np.allclose(one.per_point.y_plotted, many.per_point.y_plotted, rtol=1e-12)
    assert np.allclose(one.per_point.cl, many.per_point.cl, rtol=1e-12)
    # P' absorbs the change in scale: its limits do not move (for the over-dispersion it corrects).
    pp_one = control_chart(ys, ns, chart="pp").per_point
    pp_many = control_chart(
        [y * factor for y in ys], [n * factor for n in ns], chart="pp"
    ).per_point
    assert np.allclose(pp_one.cl, pp_many.cl, rtol=1e-12, equal_nan=True)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([-1.0, 0.0, 1.0, math.nan]), min_size=0, max_size=200), st.randoms()
)
def test_any_permutation_within_a_run_leaves_the_run_statistics_unchanged(signs, rnd):
    y = np.array(signs)
    cl = np.zeros(y.size)
    before = runs_analysis(y, cl)
    # Shuffle the values inside each block of equal useful signs (points on the line and gaps
    # between them move too): runs and crossings depend only on the order of the runs.
    blocks: list[list[float]] = []
    for value in signs:
        if blocks and (value == blocks[-1][0] or value == 0 or math.isnan(value)):
            blocks[-1].append(value)
        else:
            blocks.append([value])
    shuffled = []
    for block in blocks:
        head, rest = block[0], block[1:]
        rnd.shuffle(rest)
        shuffled.extend([head, *rest])
    after = runs_analysis(np.array(shuffled), cl)
    assert before == after


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(values, st.none()), min_size=12, max_size=12), min_size=1, max_size=20
    ),
    st.sampled_from([*CHARTS, "i"]),
    st.booleans(),
)
def test_the_batch_form_gives_exactly_what_each_series_gives_alone(many, chart, screened):
    many = [[None if v is None else abs(v) if chart == "c" else v for v in row] for row in many]
    batch = control_charts(many, chart=chart, freeze=8, exclude=[3], screened_mr=screened)
    for row, result in zip(many, batch, strict=True):
        single = control_chart(row, chart=chart, freeze=8, exclude=[3], screened_mr=screened)
        assert json.dumps(chart_to_dict(result)) == json.dumps(chart_to_dict(single))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(values, min_size=0, max_size=200),
    st.sampled_from(["increase", "decrease", "neutral"]),
    st.one_of(st.none(), values),
)
def test_making_data_count_never_raises_and_labels_every_point(ys, direction, target):
    result = making_data_count(ys, improvement_direction=direction, target=target)
    assert len(result.per_point.point_type) == len(ys)
    assert all(t is not None for t in result.per_point.point_type)
