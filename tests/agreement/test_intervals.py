"""The confidence intervals: the quantiles they rest on, and properties that could fail."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from followup.agreement import agreement, check_ratings, krippendorff_alpha
from followup.agreement.bootstrap import TOO_ALIKE, bootstrap_interval, draws
from followup.agreement.krippendorff import alpha_of, unit_coincidences
from followup.agreement.quantiles import qnorm, qt
from followup.agreement.results import wilson
from tests.agreement.references import grades, realistic
from tests.coverage_pause import paused

SIX = [1, 2, 3, 4, 5, 6]
DEGREES = [*range(1, 200), 250, 499, 1000, 2_500, 9_999, 100_000]


@pytest.mark.parametrize("p", [0.6, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.025])
def test_student_t_quantiles_agree_with_scipy_to_1e_12(p):
    with paused():  # SciPy is the reference, not Followup's code: nothing of it to measure
        from scipy import stats  # imported when used: most test processes never use it

        references = [stats.t.ppf(p, df) for df in DEGREES]
    for df, reference in zip(DEGREES, references, strict=True):
        assert qt(p, df) == pytest.approx(reference, rel=1e-12), df


def test_student_t_quantiles_match_the_closed_forms_for_one_and_two_degrees_of_freedom():
    for p in (0.9, 0.975, 0.995):
        assert qt(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-14)
        assert qt(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-14)
    assert qt(0.5, 7) == 0.0
    assert qt(0.025, 7) == pytest.approx(-qt(0.975, 7), rel=1e-14)
    with pytest.raises(ValueError):
        qt(1.0, 3)


def test_the_wilson_interval_of_a_share_of_0_and_1_has_its_closed_form():
    z = qnorm(0.975)
    none = wilson(0, 10)
    assert none.value == 0.0 and none.interval is not None
    assert none.interval.lower == 0.0
    assert none.interval.upper == pytest.approx(z * z / (10 + z * z), rel=1e-12)
    every = wilson(10, 10)
    assert every.interval is not None
    assert (every.interval.lower, every.interval.upper) == pytest.approx(
        (1 - none.interval.upper, 1.0), rel=1e-12
    )
    some = wilson(7, 12)
    assert some.interval is not None
    assert some.interval.lower < 7 / 12 < some.interval.upper


def _every_estimate(result):
    estimates = [*result.alpha.values(), *result.gwet.values()]
    if result.pair is not None:
        estimates += [result.pair.exact, result.pair.within_one, *result.pair.kappa.values()]
    return estimates


@settings(max_examples=80, deadline=None)
@given(grades())
def test_every_interval_contains_its_estimate_and_goes_no_higher_than_1(data):
    ratings, scale = data
    for estimate in _every_estimate(agreement(ratings, scale, replicates=200)):
        if estimate.interval is None:
            assert estimate.note, estimate
            continue
        assert estimate.value is not None
        assert estimate.interval.lower <= estimate.value <= estimate.interval.upper
        assert estimate.interval.upper <= 1.0


def _width(estimate):
    assert estimate.interval is not None, estimate.note
    return estimate.interval.upper - estimate.interval.lower


@pytest.mark.parametrize("seed", range(6))
def test_every_interval_narrows_when_the_records_are_four_times_as_many(seed):
    ratings = realistic(seed, 2 + seed % 3, 30, low=1, q=6, missing=0.1, spread=1 + seed % 2)
    once = agreement(ratings, SIX)
    four = agreement([row * 4 for row in ratings], SIX)
    for small, large in zip(_every_estimate(once), _every_estimate(four), strict=True):
        assert small.value is not None and large.value is not None
        assert small.interval is not None and large.interval is not None
        assert _width(large) < _width(small)
        if small.interval.method != "wilson_score":
            # About half as far below: the upper end is cut at 1 for the weighted coefficients.
            assert large.value - large.interval.lower < 0.6 * (small.value - small.interval.lower)


def test_the_bootstrap_gives_the_same_interval_for_the_same_seed_and_a_close_one_for_another():
    ratings = check_ratings(realistic(7, 3, 40, 1, 6, 0.1), SIX)
    first = krippendorff_alpha(ratings, "ordinal", seed=18)
    again = krippendorff_alpha(ratings, "ordinal", seed=18)
    other = krippendorff_alpha(ratings, "ordinal", seed=19)
    assert first == again
    assert first.interval is not None and other.interval is not None
    assert first.interval != other.interval
    assert abs(first.interval.lower - other.interval.lower) < 0.1 * _width(first)
    assert abs(first.interval.upper - other.interval.upper) < 0.1 * _width(first)


def test_the_bootstrap_draws_are_fixed_whatever_the_block_size_and_numpy_version():
    """The records drawn come from PCG64's raw stream, which NEP 19 keeps fixed; the first two
    resamples of 5 records with seed 18 are written down here (numpy 1.26 and 2.x agree)."""
    assert next(draws(5, 2, 18)).tolist() == [[1, 2, 0, 1, 1], [1, 0, 3, 1, 0]]
    whole = np.concatenate(list(draws(13, 40, 18)))
    for block in (1, 3, 7, 40):
        assert np.array_equal(np.concatenate(list(draws(13, 40, 18, block=block))), whole)
    assert np.all(whole.sum(axis=1) == 13)


def test_the_worked_example_s_bootstrap_interval_is_written_down():
    """example_12's ordinal interval, as numpy 1.26.4 and 2.4.6 both give it."""
    first = [5, 4, 4, 3, 2, 5, 6, 4, 3, 3, 4, 2]
    second = [5, 4, 3, 3, 2, 4, 6, 4, 4, 3, 5, 2]
    interval = agreement([first, second], SIX).alpha["ordinal"].interval
    assert interval is not None
    assert (interval.lower, interval.upper) == pytest.approx(
        (0.47573529411764703, 0.9776612276612276), rel=1e-12
    )
    assert (interval.method, interval.replicates, interval.seed) == (
        "bootstrap_percentile",
        2000,
        18,
    )


def test_the_bootstrap_refuses_an_interval_when_most_resamples_have_no_variation():
    """Three records, two graded 3 by everyone: a third of the resamples hold only 3s."""
    ratings = check_ratings([[3, 3, 3], [3, 3, 4]], SIX)
    estimate = krippendorff_alpha(ratings, "ordinal")
    assert estimate.value is not None
    assert (estimate.interval, estimate.note) == (None, TOO_ALIKE)


def test_the_bootstrap_statistic_is_alpha_itself_on_each_resample():
    ratings = check_ratings(realistic(3, 4, 25, 1, 6, 0.2), SIX)
    counts = ratings.counts()
    units = unit_coincidences(counts[counts.sum(axis=1) >= 2])
    values = np.arange(1.0, 7.0)
    seen = []

    def statistic(stack):
        seen.append(stack.shape)
        return alpha_of(stack, "ordinal", values)

    interval, note = bootstrap_interval(units, statistic, confidence=0.9, replicates=30)
    assert note is None and interval is not None and interval.replicates == 30
    assert sum(shape[0] for shape in seen) == 30
    whole = alpha_of(units.sum(axis=0), "ordinal", values)
    assert float(whole) == krippendorff_alpha(ratings, "ordinal").value
