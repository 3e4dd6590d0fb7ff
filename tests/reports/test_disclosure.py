"""Disclosure control: small counts are withheld and cannot be worked out from totals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from followup.core import disclosure


def test_counts_from_one_to_the_threshold_are_disclosive_and_zero_is_not():
    assert [disclosure.is_disclosive(n) for n in range(7)] == [
        False,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert disclosure.shown(3, exact=False) == "[c]"
    assert disclosure.shown(3, exact=True) == 3
    assert disclosure.shown(0, exact=False) == 0


def test_a_single_withheld_cell_in_a_row_brings_the_smallest_other_cell_with_it():
    rows = [[12, 3, 9, 20], [7, 8, 9, 10], [2, 0, 15, 5]]
    masks = disclosure.protect_rows(rows)
    assert masks == [
        [False, True, True, False],  # 3 is primary; 9, the smallest other, secondary
        [False, False, False, False],
        [True, True, False, False],  # 2 is primary; the zero, the smallest other, secondary
    ]
    totals = [not disclosure.row_total_withheld(r, m) for r, m in zip(rows, masks, strict=True)]
    assert disclosure.recoverable(rows, masks, totals) == []


def test_a_one_cell_row_withholds_its_total():
    assert disclosure.row_total_withheld([3], [True])
    assert not disclosure.row_total_withheld([30], [False])


def test_the_recoverability_check_finds_a_lone_withheld_cell():
    rows = [[12, 3, 9]]
    lone = [[False, True, False]]
    assert disclosure.recoverable(rows, lone, [True]) == [(0, 1)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=6))
def test_no_withheld_cell_of_any_table_can_be_worked_out_from_its_row_totals(rows):
    width = len(rows[0])
    rows = [(row * width)[:width] for row in rows]
    masks = disclosure.protect_rows(rows)
    for row, mask in zip(rows, masks, strict=True):
        for value, hidden in zip(row, mask, strict=True):
            if disclosure.is_disclosive(value):
                assert hidden
    totals = [not disclosure.row_total_withheld(r, m) for r, m in zip(rows, masks, strict=True)]
    assert disclosure.recoverable(rows, masks, totals) == []
