"""followup.agreement against the reference packages, on any grades (hypothesis).

scikit-learn's ``cohen_kappa_score(labels=scale, weights=...)`` and ``confusion_matrix``, and the
krippendorff package's ``alpha(value_domain=scale)``, are asked afresh on generated grades
(1e-9 relative). irrCAC's Gwet AC1 and AC2, Conger's kappa and alpha with quadratic weights,
values and intervals, are checked on the 128 sets of grades of irrcac_reference.json (Gwet to
1e-6, the rest to 1e-9), and afresh in test_irrcac_live.py where irrCAC can be imported. Where a
reference gives NaN or raises, our documented answer is asserted instead: nothing is skipped.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings

from followup.agreement import check_ratings, cohen_kappa, complete_pairs, krippendorff_alpha
from followup.agreement.krippendorff import NO_VARIATION
from followup.agreement.pairs import NO_COMPLETE_PAIR, ONE_GRADE, two_readers
from followup.agreement.results import NO_PAIRS
from tests.agreement.references import as_array, assert_agrees_with_irrcac, grades
from tests.coverage_pause import paused

GOLDEN = json.loads((Path(__file__).resolve().parent / "irrcac_reference.json").read_text())
SKLEARN_WEIGHTS = {"unweighted": None, "linear": "linear", "quadratic": "quadratic"}


@paused()  # the references are not Followup's code: measuring their calls only slows them
def _sklearn_kappa(first, second, scale, weights):
    """scikit-learn's answer: a number, NaN (undefined, with its warning) or ValueError (empty).
    scikit-learn is imported where it is used, here and below: importing it took a second of
    every test process's collection, though one process runs these tests."""
    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return cohen_kappa_score(first, second, labels=scale, weights=SKLEARN_WEIGHTS[weights])


@settings(max_examples=80, deadline=None)
@given(grades(min_readers=2, max_readers=2))
def test_cohen_kappa_agrees_with_scikit_learn_on_any_two_readers(data):
    ratings_list, scale = data
    ratings = check_ratings(ratings_list, scale)
    first, second = complete_pairs(ratings)
    values_first = [scale[0] + int(c) for c in first]
    values_second = [scale[0] + int(c) for c in second]
    for weights in SKLEARN_WEIGHTS:
        ours = cohen_kappa(first, second, ratings.q, weights)
        if not values_first:
            with pytest.raises(ValueError):
                _sklearn_kappa(values_first, values_second, scale, weights)
            assert (ours.value, ours.note) == (None, NO_COMPLETE_PAIR)
            continue
        reference = _sklearn_kappa(values_first, values_second, scale, weights)
        if math.isnan(reference):
            assert (ours.value, ours.note) == (None, ONE_GRADE)
        else:
            assert ours.value == pytest.approx(reference, rel=1e-9, abs=1e-12), weights


@settings(max_examples=60, deadline=None)
@given(grades(min_readers=2, max_readers=2))
def test_the_confusion_matrix_and_shares_agree_with_scikit_learn(data):
    ratings_list, scale = data
    ratings = check_ratings(ratings_list, scale)
    pair = two_readers(ratings)
    first, second = complete_pairs(ratings)
    assert pair.n_pairs == first.size
    if first.size:
        with paused():
            from sklearn.metrics import confusion_matrix

            reference = confusion_matrix(first + scale[0], second + scale[0], labels=scale)
        assert pair.confusion.tolist() == reference.tolist()
        assert pair.exact.value == pytest.approx(np.trace(reference) / first.size, rel=1e-12)
        assert pair.within_one.value == pytest.approx(
            np.mean(np.abs(first - second) <= 1), rel=1e-12
        )
    else:
        assert pair.confusion.sum() == 0
        assert pair.exact.value is None and pair.exact.note == NO_COMPLETE_PAIR


@paused()
def _package_alpha(data, scale, level):
    """The krippendorff package's answer: a number, NaN (0/0) or ValueError (nothing pairable)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return krippendorff.alpha(
            reliability_data=as_array(data), level_of_measurement=level, value_domain=scale
        )


@settings(max_examples=100, deadline=None)
@given(grades())
def test_krippendorff_alpha_agrees_with_the_krippendorff_package_on_any_grades(data):
    ratings_list, scale = data
    ratings = check_ratings(ratings_list, scale)
    pairable = bool(np.any(np.sum(~np.isnan(as_array(ratings_list)), axis=0) >= 2))
    for level in ("ordinal", "interval"):
        ours = krippendorff_alpha(ratings, level, replicates=50)
        if not pairable:
            with pytest.raises(ValueError, match="at least one unit"):
                _package_alpha(ratings_list, scale, level)
            assert (ours.value, ours.note) == (None, NO_PAIRS)
            continue
        reference = _package_alpha(ratings_list, scale, level)
        if math.isnan(reference):
            assert (ours.value, ours.note) == (None, NO_VARIATION)
        else:
            assert ours.value == pytest.approx(reference, rel=1e-9, abs=1e-12), level


def test_the_irrcac_answers_kept_cover_every_awkward_case_and_many_generated_ones():
    cases = GOLDEN["cases"]
    assert GOLDEN["irrCAC"] == "0.4.4"
    assert len(cases) == 128
    raised = {case["id"] for case in cases if "raises" in case["irrcac"]["gwet_ac1"]}
    assert {"one_record", "one_record_agreed"} <= raised
    assert sum(len(case["ratings"]) == 2 for case in cases) >= 30


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[case["id"] for case in GOLDEN["cases"]])
def test_gwet_conger_and_interval_alpha_agree_with_irrcac_s_answers(case):
    assert_agrees_with_irrcac(case, case["irrcac"])
