"""The guarantee for figures linked by formulas (rules 5 and 6 of ``followup.lib.disclosure``),
tested against a reader who knows the rules.

A derived data element is a sum or difference of others, so a shown result and all but one of
its parts would give the last part back, and shown parts would give a withheld result back. The
reader here knows, as docs/reports.md says: a withheld count that is neither a part nor a result
of any formula is 1 to the threshold; a withheld part of a formula is a whole number, at least 0;
a withheld result is only what its formula makes it. ``exact_search`` works out, independently
of the suppression code, the smallest and largest value of every withheld figure.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.lib.disclosure import Formula, protect_figures
from tests.core.exact_search import System

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="database-free; runs in the SQLite pass"
)


def check(values: dict[str, int], formulas: list[Formula], t: int) -> dict[str, tuple]:
    withheld = protect_figures(values, counts=list(values), formulas=formulas, limit=t)
    results = {f.total for f in formulas}
    parts = {key for f in formulas for _, key in f.parts}
    for key, value in values.items():
        if key not in withheld:
            assert not 0 < value <= t or (key in results and value < 0), (key, value)
    system = System()
    unknown: dict[str, int] = {}
    floor = -sum(abs(v) for v in values.values()) - 10
    for key in sorted(withheld):
        if key in results:
            unknown[key] = system.unknown(floor, None, key)
        elif key in parts:
            unknown[key] = system.unknown(0, None, key)
        else:
            unknown[key] = system.unknown(1, t, key)
        high = system.highs[unknown[key]]
        assert system.lows[unknown[key]] <= values[key] and (high is None or values[key] <= high)
    for formula in formulas:
        terms, rest = [], 0
        for sign, part in [(-1, formula.total), *formula.parts]:
            if str(part) in unknown:
                terms.append((unknown[str(part)], sign))
            else:
                rest += sign * values[str(part)]
        if terms:
            system.equal(terms, -rest)
        else:
            assert rest == 0
    ranges = system.ranges()
    found = {key: ranges[var] for key, var in unknown.items()}
    for key, (smallest, largest) in found.items():
        assert largest is None or smallest < largest, (key, values, formulas, withheld)
    return found


def test_a_total_and_one_shown_part_no_longer_give_the_other_part_away():
    values = {"at_home": 3, "in_foster": 20, "looked_after": 23}
    formula = Formula("looked_after", ((1, "at_home"), (1, "in_foster")))
    found = check(values, [formula], 4)
    assert set(found) == {"at_home", "looked_after"}
    smallest, largest = found["at_home"]
    assert smallest == 0 and (largest is None or largest > 4)


def test_a_small_difference_of_shown_counts_withholds_the_smaller_of_them():
    values = {"placed": 22, "stayed": 20, "moved": 2}
    formula = Formula("moved", ((1, "placed"), (-1, "stayed")))
    assert set(check(values, [formula], 4)) == {"moved", "stayed"}


@st.composite
def linked(draw: st.DrawFn) -> tuple[int, dict[str, int], list[Formula]]:
    """Up to six counts and up to four formulas, each a sum or difference of two or three of
    them (a formula names counts only, never another formula's result)."""
    t = draw(st.integers(2, 5))
    width = draw(st.integers(2, 6))
    count = st.one_of(st.integers(0, t + 2), st.integers(0, 30))
    values = {f"c{k}": draw(count) for k in range(width)}
    formulas = []
    for n in range(draw(st.integers(1, 4))):
        names = draw(st.lists(st.sampled_from(sorted(values)), min_size=2, max_size=3, unique=True))
        signs = [1, *[draw(st.sampled_from([1, -1])) for _ in names[1:]]]
        parts = tuple(zip(signs, names, strict=True))
        formulas.append(Formula(f"d{n}", parts))
    for formula in formulas:
        values[str(formula.total)] = sum(s * values[str(k)] for s, k in formula.parts)
    return t, values, formulas


@settings(max_examples=600, deadline=None, derandomize=True)
@given(linked())
def test_no_withheld_figure_linked_by_formulas_can_be_worked_out(case):
    t, values, formulas = case
    check(values, formulas, t)
