"""Grades for the property tests, and the comparisons with irrCAC's answers.

irrCAC cannot be installed beside the development tools (irrcac_golden.py says why), so its
answers come two ways: kept in irrcac_reference.json, checked on every run; and, where irrCAC
can be imported (an environment of its own), asked afresh on generated grades
(test_irrcac_live.py). Both go through ``assert_agrees_with_irrcac``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from followup.agreement import check_ratings, cohen_kappa, complete_pairs, gwet_ac
from followup.agreement import krippendorff_alpha as alpha
from followup.agreement.gwet import ONE_GRADED
from followup.agreement.krippendorff import NO_VARIATION
from followup.agreement.pairs import NO_COMPLETE_PAIR, ONE_GRADE, ONE_PAIR
from followup.agreement.results import NO_PAIRS, ONE_RECORD, Estimate

GWET_TOLERANCE = 1e-6
TOLERANCE = 1e-9
# irrCAC 0.4.4 pins scipy 1.12, whose t quantiles are good to about 1e-11 only.
INTERVAL_ABS = 1e-9
KAPPA_NAMES = (("identity", "unweighted"), ("linear", "linear"), ("quadratic", "quadratic"))
NOTES = {NO_PAIRS, ONE_RECORD, ONE_GRADED, ONE_PAIR, NO_VARIATION, NO_COMPLETE_PAIR, ONE_GRADE}


def realistic(
    seed: int, readers: int, records: int, low: int, q: int, missing: float, spread: int = -1
) -> Any:
    """Readers who mostly agree: a true grade per record, each reader off by up to ``spread``
    grades (0, 1 or 2 at random unless given)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, records)
    spread = int(rng.integers(0, 3)) if spread < 0 else spread
    ratings = []
    for _ in range(readers):
        codes = np.clip(truth + rng.integers(-spread, spread + 1, records), 0, q - 1)
        ratings.append([None if rng.random() < missing else low + int(c) for c in codes])
    return ratings


@st.composite
def grades(draw: Any, min_readers: int = 2, max_readers: int = 5) -> tuple[Any, list[int]]:
    """(ratings, scale): scales of 2 to 8 grades starting anywhere from −3 to 3 (1 to 6 often),
    2 to 60 records, missing grades; either realistic readers or any grades at all (small)."""
    if draw(st.booleans()):
        low, q = 1, 6
    else:
        low, q = draw(st.integers(-3, 3)), draw(st.integers(2, 8))
    scale = list(range(low, low + q))
    readers = draw(st.integers(min_readers, max_readers))
    if draw(st.booleans()):
        seed = draw(st.integers(0, 2**32 - 1))
        records = draw(st.integers(2, 60))
        missing = draw(st.sampled_from([0.0, 0.1, 0.3]))
        return realistic(seed, readers, records, low, q, missing), scale
    records = draw(st.integers(1, 12))
    grade = st.one_of(st.none(), st.integers(low, low + q - 1))
    row = st.lists(grade, min_size=records, max_size=records)
    return draw(st.lists(row, min_size=readers, max_size=readers)), scale


def as_array(ratings: Any) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in ratings], dtype=float)


def _close(expected: float | None, got: float | None, rel: float, absolute: float = 1e-12) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(got, expected, rel_tol=rel, abs_tol=absolute)


def _compare(name: str, reference: dict[str, Any], ours: Estimate, rel: float) -> None:
    """Ours against one irrCAC answer: the value, and the interval wherever irrCAC has one."""
    if "raises" in reference:
        # irrCAC divides by n(n − 1) = 0 with one record, or by 0 with no pair to compare.
        assert ours.interval is None, name
        assert ours.note in NOTES, name
        return
    if reference["value"] is None:
        assert ours.value is None, name
        assert ours.note in {NO_PAIRS, ONE_GRADE, NO_COMPLETE_PAIR}, name
        return
    assert _close(reference["value"], ours.value, rel), (name, reference["value"], ours.value)
    if reference["lower"] is None:
        assert ours.interval is None, name
        return
    assert ours.interval is not None, (name, ours.note)
    for end in ("lower", "upper"):
        expected, got = reference[end], getattr(ours.interval, end)
        assert _close(expected, got, rel, INTERVAL_ABS), (name, end, expected, got)
    if reference["se"] not in (None, 1e-15):
        assert _close(reference["se"], ours.interval.standard_error, rel), name


def assert_agrees_with_irrcac(case: dict[str, Any], answers: dict[str, Any]) -> None:
    """Every coefficient irrCAC gave for ``case`` (irrcac_golden.reference's answers)."""
    ratings = check_ratings(case["ratings"], case["scale"])
    _compare("gwet_ac1", answers["gwet_ac1"], gwet_ac(ratings, "identity"), GWET_TOLERANCE)
    _compare(
        "gwet_ac2_quadratic",
        answers["gwet_ac2_quadratic"],
        gwet_ac(ratings, "quadratic"),
        GWET_TOLERANCE,
    )
    _compare(
        "krippendorff_quadratic",
        answers["krippendorff_quadratic"],
        alpha(ratings, "interval"),
        TOLERANCE,
    )
    if ratings.n_readers == 2:
        first, second = complete_pairs(ratings)
        for irrcac, ours in KAPPA_NAMES:
            _compare(
                f"conger_{irrcac}",
                answers[f"conger_{irrcac}"],
                cohen_kappa(first, second, ratings.q, ours),
                TOLERANCE,
            )
