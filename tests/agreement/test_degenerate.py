"""Awkward grades: every figure is a number or ``None`` with its reason, never NaN."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from followup.agreement import agreement, check_ratings, cohen_kappa, complete_pairs
from followup.agreement.gwet import ONE_GRADED
from followup.agreement.krippendorff import NO_VARIATION
from followup.agreement.pairs import NO_COMPLETE_PAIR, ONE_GRADE, ONE_PAIR
from followup.agreement.request import result_to_dict, run_request
from followup.agreement.results import NO_PAIRS, ONE_RECORD
from tests.agreement.references import grades

SIX = [1, 2, 3, 4, 5, 6]


def _answer(ratings, scale=SIX):
    return run_request({"input": {"scale": scale, "ratings": ratings}})


def _paths(result, prefix=""):
    """Every figure's path in the answer, and its value."""
    for key, value in result.items():
        if key in {"intervals", "notes", "confusion_matrix"}:
            continue
        if isinstance(value, dict):
            yield from _paths(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


@settings(max_examples=80, deadline=None)
@given(grades())
def test_every_figure_missing_from_an_answer_says_why_and_no_number_is_nan(data):
    ratings, scale = data
    result = _answer(ratings, scale)
    json.dumps(result, allow_nan=False)
    for path, value in _paths(result):
        if value is None:
            assert path in result["notes"], path
    for path, note in result["notes"].items():
        assert note and isinstance(note, str)
        where = result
        for key in path.split("."):
            where = where[key]
        assert where is None, path


def test_no_records_at_all_gives_every_figure_as_null_with_its_reason():
    result = _answer([[], []])
    assert result["n_pairs"] == 0
    assert result["notes"] == {
        "exact": NO_COMPLETE_PAIR,
        "within_one": NO_COMPLETE_PAIR,
        "cohen_kappa.unweighted": NO_COMPLETE_PAIR,
        "cohen_kappa.linear": NO_COMPLETE_PAIR,
        "cohen_kappa.quadratic": NO_COMPLETE_PAIR,
        "krippendorff_alpha.ordinal": NO_PAIRS,
        "krippendorff_alpha.interval": NO_PAIRS,
        "gwet.ac1": NO_PAIRS,
        "gwet.ac2_quadratic": NO_PAIRS,
    }
    assert result["confusion_matrix"]["counts"] == [[0] * 6] * 6
    assert result["intervals"]["gwet"] == {"ac1": None, "ac2_quadratic": None}


def test_nobody_grading_the_same_record_leaves_every_coefficient_undefined():
    result = _answer([[1, None, 3], [None, 2, None], [None, None, None]])
    assert result["krippendorff_alpha"] == {"ordinal": None, "interval": None}
    assert result["gwet"] == {"ac1": None, "ac2_quadratic": None}
    assert result["notes"]["gwet.ac1"] == NO_PAIRS
    assert (result["n_graded"], result["n_pairable"]) == (3, 0)


def test_one_grade_everywhere_leaves_kappa_and_alpha_undefined_but_gwet_is_1():
    """Cohen's kappa and alpha are 0/0 (scikit-learn gives NaN, the krippendorff package NaN);
    Gwet's chance agreement stays below 1, so AC1 is 1, with the interval [1, 1] (irrCAC's)."""
    result = _answer([[3, 3, 3], [3, 3, 3]])
    assert result["cohen_kappa"] == {"unweighted": None, "linear": None, "quadratic": None}
    assert result["notes"]["cohen_kappa.quadratic"] == ONE_GRADE
    assert result["krippendorff_alpha"] == {"ordinal": None, "interval": None}
    assert result["notes"]["krippendorff_alpha.ordinal"] == NO_VARIATION
    assert result["gwet"] == {"ac1": 1.0, "ac2_quadratic": 1.0}
    ac1 = result["intervals"]["gwet"]["ac1"]
    assert (ac1["lower"], ac1["upper"], ac1["standard_error"]) == (1.0, 1.0, 0.0)
    assert result["exact"] == 1.0


def test_one_record_has_values_where_defined_but_no_interval():
    result = _answer([[2], [5]])
    assert result["cohen_kappa"]["unweighted"] == 0.0
    assert result["notes"]["intervals.cohen_kappa.unweighted"] == ONE_PAIR
    assert result["notes"]["intervals.gwet.ac1"] == ONE_GRADED
    assert result["notes"]["intervals.krippendorff_alpha.interval"] == ONE_RECORD
    assert result["notes"]["intervals.krippendorff_alpha.ordinal"] == ONE_RECORD
    assert result["intervals"]["cohen_kappa"]["unweighted"] is None
    assert result["intervals"]["exact"]["method"] == "wilson_score"


def test_readers_each_keeping_to_a_grade_of_their_own_have_kappa_0_as_scikit_learn_says():
    from sklearn.metrics import cohen_kappa_score  # imported when used: a second to import

    first, second = [2, 2, 2, 2], [5, 5, 5, 5]
    ratings = check_ratings([first, second], SIX)
    for weights, sk in (("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")):
        ours = cohen_kappa(*complete_pairs(ratings), 6, weights)
        assert ours.value == cohen_kappa_score(first, second, labels=SIX, weights=sk) == 0.0


def test_cohen_kappa_uses_the_full_scale_when_a_grade_goes_unused():
    from sklearn.metrics import cohen_kappa_score  # imported when used: a second to import

    """Grades 2, 4 and 5 go unused: the weights are still over the six grades, as
    scikit-learn's with ``labels`` set to the scale. Its default (the grades used) puts 3 and 6
    one step apart, as 1 and 3, and gives another kappa."""
    first, second = [1, 3, 6, 6, 1, 3, 6, 3, 1], [1, 6, 6, 3, 3, 3, 6, 1, 3]
    pairs = complete_pairs(check_ratings([first, second], SIX))
    for weights in ("linear", "quadratic"):
        ours = cohen_kappa(*pairs, 6, weights).value
        full = cohen_kappa_score(first, second, labels=SIX, weights=weights)
        used = cohen_kappa_score(first, second, weights=weights)
        assert ours == pytest.approx(full, rel=1e-12)
        assert abs(ours - used) > 0.02


def test_a_grade_unused_by_anyone_still_changes_gwet_s_chance_agreement():
    """Gwet's chance agreement divides by q(q − 1): the full scale's q, not the grades used."""
    ratings = [[2, 3, 3, 2, 3], [2, 3, 2, 2, 3]]
    six = agreement(ratings, SIX).gwet["ac1"].value
    three = agreement([[g - 1 for g in row] for row in ratings], [1, 2, 3]).gwet["ac1"].value
    assert six is not None and three is not None and six != three


def test_a_reader_who_graded_nothing_is_allowed():
    result = agreement([[1, 2, 3, 4], [None] * 4, [1, 2, 4, 4]], SIX)
    assert result.n_pairable == 4
    assert result.alpha["interval"].value is not None


def test_the_library_refuses_unknown_weights_levels_and_confidence():
    ratings = check_ratings([[1, 2], [1, 3]], SIX)
    from followup.agreement import gwet_ac, krippendorff_alpha

    with pytest.raises(ValueError, match="weights"):
        cohen_kappa(*complete_pairs(ratings), 6, "cubic")
    with pytest.raises(ValueError, match="weights"):
        gwet_ac(ratings, "linear")
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(ratings, "nominal")
    with pytest.raises(ValueError, match="confidence"):
        agreement([[1, 2], [1, 3]], SIX, confidence=95)


def test_a_lower_confidence_gives_a_narrower_interval():
    ratings = [[1, 2, 3, 4, 5, 6, 2, 3], [1, 3, 3, 4, 6, 6, 2, 2]]
    wide, narrow = agreement(ratings, SIX), agreement(ratings, SIX, confidence=0.8)
    for group in ("alpha", "gwet"):
        for key, estimate in getattr(wide, group).items():
            other = getattr(narrow, group)[key]
            assert estimate.interval is not None and other.interval is not None
            assert estimate.interval.lower < other.interval.lower
    assert result_to_dict(narrow)["confidence_level"] == 0.8
