"""Disclosure control: small counts are withheld and cannot be worked out from totals.

The guarantee itself is tested against an exact search in tests/core/test_disclosure_guarantee.py;
these are the rules on worked examples.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from followup.lib import disclosure
from followup.lib.disclosure import Counts, protect_one


def shown(rows: list[list[int]], **kwargs: Any) -> list[list[str]]:
    table = protect_one(Counts(rows, **kwargs), exact=False)
    if not table.totals:
        return [[str(f) for f in cells] for cells in table.cells]
    return [
        [*[str(f) for f in cells], str(total)]
        for cells, total in zip(table.cells, table.totals, strict=True)
    ]


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
    assert shown([[3, 0]], totals=False) == [["[c]", "0"]]  # a table without totals
    seen = protect_one(Counts([[3, 0]], totals=False), exact=True)
    assert [(f.shown, f.small) for f in seen.cells[0]] == [(3, True), (0, False)]


def test_a_single_withheld_cell_in_a_row_brings_the_smallest_other_nonzero_cell_with_it():
    assert shown([[12, 3, 9, 20], [7, 8, 9, 10], [2, 0, 15, 5]]) == [
        ["12", "[c]", "[c]", "20", "44"],  # 3 is small; 9, the smallest other, goes with it
        ["7", "8", "9", "10", "34"],
        ["[c]", "0", "15", "[c]", "22"],  # 2 is small; the zero would not hide it, 5 does
    ]


def test_two_small_counts_that_the_total_pins_bring_a_third_cell_with_them():
    assert shown([[1, 1, 20]]) == [["[c]", "[c]", "[c]", "22"]]


def test_a_row_whose_total_is_small_withholds_every_cell_and_the_total():
    assert shown([[3, 0, 0]]) == [["[c]", "[c]", "[c]", "[c]"]]


def test_a_count_close_to_its_groups_published_size_is_withheld():
    assert shown([[20, 12]], limits=[22, None]) == [["[c]", "[c]", "32"]]
    assert shown([[22, 12]], limits=[22, None]) == [["22", "12", "34"]]  # all of them: no one left


def test_rates_with_a_small_numerator_or_a_small_rest_are_withheld():
    assert disclosure.rate_withheld(3, 100)
    assert disclosure.rate_withheld(98, 100)
    assert not disclosure.rate_withheld(50, 100)
    assert not disclosure.rate_withheld(100, 100)
    assert not disclosure.rate_withheld(0, 100)
    assert disclosure.rate_withheld(4, None)


@override_settings(DISCLOSURE_THRESHOLD=2)
def test_the_threshold_setting_decides_what_is_small():
    assert shown([[3, 2, 30]]) == [["[c]", "[c]", "30", "35"]]
    assert "from 1 to 2" in disclosure.meaning()


@override_settings(DISCLOSURE_THRESHOLD=1)
def test_a_threshold_of_one_is_refused_since_a_withheld_count_could_only_be_one():
    with pytest.raises(ValueError, match="at least 2"):
        protect_one(Counts([[1, 5]]), exact=False)
