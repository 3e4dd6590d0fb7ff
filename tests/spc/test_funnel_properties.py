"""Properties of the funnel methods for any input (hypothesis), beyond the reference cases."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.spc.funnel import METHODS, funnel
from followup.spc.quantiles import gamma_pq, gamma_quantile

areas = st.lists(st.tuples(st.integers(1, 50_000), st.floats(0, 1)), min_size=3, max_size=40).map(
    lambda rows: ([math.floor(d * p) for d, p in rows], [d for d, _ in rows])
)


@settings(max_examples=40, deadline=None)
@given(areas)
def test_every_method_places_every_area_and_its_limits_hold_its_position(data):
    numerators, denominators = data
    if sum(numerators) == 0:
        numerators[0] = 1
    for method in METHODS:
        multiplier = 100.0 if method in {"plotr_pr", "phe_proportion"} else 1000.0
        result = funnel(method, numerators, denominators, multiplier=multiplier, plot_points=30)
        for level in ("95", "998"):
            assert set(result.position[level]) <= {"above", "below", "within"}
        if method.startswith("plotr"):
            lower, upper = result.limits.level("998")
            # The package's rule: outside unless lower ≤ value ≤ upper; "above" first (at tiny
            # denominators its arcsine limits can cross, lower above upper, and both hold).
            above = result.value > upper
            below = (result.value < lower) & ~above
            assert [p == "above" for p in result.position["998"]] == above.tolist()
            assert [p == "below" for p in result.position["998"]] == below.tolist()
        if method.startswith("phe"):
            # An area outside the 99.8% limits is outside the 95% ones too. (Not always so for
            # FunnelPlotR's proportions: at denominators of 1 or 2 with a large τ² its arcsine
            # limits wrap round, and the package, which Followup follows, keeps them.)
            for wide, narrow in zip(result.position["998"], result.position["95"], strict=True):
                assert wide == "within" or narrow == wide


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 20_000), st.sampled_from([0.001, 0.025, 0.3]), st.booleans())
def test_the_gamma_quantile_inverts_the_incomplete_gamma_function(shape, p, lower):
    x = gamma_quantile(shape, p, lower=lower)
    tail = gamma_pq(np.array([shape]), x)[0 if lower else 1]
    assert math.isclose(float(tail[0]), p, rel_tol=1e-10)
