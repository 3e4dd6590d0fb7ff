"""The disclosure guarantee, tested against a reader who knows the rules.

For every withheld count, the smallest and largest values consistent with everything shown to
the audience (the other cells, the totals, other tables of the same counts, the published sizes
of the groups, lower bounds from published quotes, and what the legend says a ``[c]`` may be)
differ. ``exact_search`` finds those values by exhaustive integer search, independently of the
suppression code; the reader's knowledge is written out here from the rules as documented in
docs/reports.md, not from the code.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.lib.disclosure import Counts, Shown, protect, rate_withheld
from tests.core.exact_search import System

# Database-free: run once, with the SQLite pass of the suite, not again on PostgreSQL.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="database-free; runs in the SQLite pass"
)


@dataclass
class Reading:
    """What the reader's search found: (table, row, column or None for the total) -> range."""

    ranges: dict[tuple[int, int, int | None], tuple[int, int | None]]


def read(tables: list[Counts], shown: list[Shown], t: int) -> Reading:
    """Build the reader's system from the published figures and the documented rules, check
    that the rules told the truth about every withheld figure, and search it."""
    system = System()
    keys: dict[tuple[int, int, int | None], int] = {}
    truth: dict[int, int] = {}
    with_totals = [k for k, table in enumerate(tables) if table.totals]
    total_limits = [tables[k].total_limit for k in with_totals]
    total_limit = min((n for n in total_limits if n is not None), default=None)
    rows = len(tables[with_totals[0]].rows) if with_totals else 0
    totals: dict[int, int | None] = {}  # row -> known total, or None when withheld everywhere
    total_vars: dict[int, int] = {}
    for i in range(rows):
        known = [shown[k].totals[i].value for k in with_totals if not shown[k].totals[i].withheld]
        if known:
            totals[i] = known[0]
        else:
            # Rule: a withheld total is at least 1 (a zero total is shown), at most the size of
            # what it is drawn from.
            actual = sum(tables[with_totals[0]].rows[i])
            total_vars[i] = system.unknown(1, total_limit, f"total {i}")
            truth[total_vars[i]] = actual
            totals[i] = None
            for k in with_totals:
                keys[(k, i, None)] = total_vars[i]
    for k, (table, seen) in enumerate(zip(tables, shown, strict=True)):
        limits = table.limits or [None] * (len(table.rows[0]) if table.rows else 0)
        for i, row in enumerate(table.rows):
            lows = table.at_least[i] if table.at_least else [0] * len(row)
            terms = []
            rest = 0
            total_shown = table.totals and not seen.totals[i].withheld
            for j, (value, figure) in enumerate(zip(row, seen.cells[i], strict=True)):
                assert figure.value == value
                if not figure.withheld:
                    rest += value
                    continue
                high: int | None
                if not table.totals:
                    low, high = 1, t  # rule: without totals, only counts of 1 to t are withheld
                elif total_shown:
                    low, high = max(1, lows[j]), limits[j]  # rule: zeros are shown here
                else:
                    low, high = lows[j], limits[j]
                var = system.unknown(low, high, f"table {k} cell {i},{j}")
                keys[(k, i, j)] = var
                truth[var] = value
                terms.append((var, 1))
            if not table.totals:
                continue
            if totals[i] is None:
                system.equal([*terms, (total_vars[i], -1)], -rest)
            else:
                system.equal(terms, (totals[i] or 0) - rest)
    # The rules told the truth: every withheld figure lies where the reader was told it does.
    for var, value in truth.items():
        high = system.highs[var]
        assert system.lows[var] <= value and (high is None or value <= high), system.names[var]
    ranges = system.ranges()
    return Reading({key: ranges[var] for key, var in keys.items()})


def check(tables: list[Counts], t: int) -> Reading:
    shown = protect(tables, exact=False, limit=t)
    for table, seen in zip(tables, shown, strict=True):
        limits = table.limits or [None] * (len(table.rows[0]) if table.rows else 0)
        for row, cells in zip(table.rows, seen.cells, strict=True):
            for value, figure, size in zip(row, cells, limits, strict=True):
                if not figure.withheld:
                    assert not 0 < value <= t, (row, cells)
                    assert size is None or not 0 < size - value <= t, (row, cells, size)
        for row, total in zip(table.rows, seen.totals if table.totals else [], strict=False):
            if not total.withheld:
                assert not 0 < sum(row) <= t
                assert table.total_limit is None or not 0 < table.total_limit - sum(row) <= t
    reading = read(tables, shown, t)
    for key, (smallest, largest) in reading.ranges.items():
        assert largest is None or smallest < largest, (key, smallest, largest, tables, shown)
    return reading


def test_the_row_that_gave_both_cells_away_under_the_old_legend_no_longer_does():
    """[c], [c], 20 with a total of 22: a reader told that [c] is 1 to 4 knew both were 1."""
    old = System()
    a, b = old.unknown(1, 4), old.unknown(1, 4)
    old.equal([(a, 1), (b, 1)], 22 - 20)
    assert old.ranges() == [(1, 1), (1, 1)]
    reading = check([Counts([[1, 1, 20]])], 4)
    assert set(reading.ranges) == {(0, 0, 0), (0, 0, 1), (0, 0, 2)}  # 20 is withheld too
    assert reading.ranges[(0, 0, 0)] == (1, 20)


def test_a_lone_small_count_beside_a_zero_is_not_protected_by_the_zero():
    """[c], [c], 30 with a total of 31 where the second [c] is 0 would give the first away."""
    reading = check([Counts([[1, 0, 30]])], 4)
    assert (0, 0, 1) not in reading.ranges  # the zero is shown
    assert reading.ranges[(0, 0, 0)] == (1, 30)


def test_a_row_of_ones_withholds_its_total():
    reading = check([Counts([[1, 1, 1, 1, 1]])], 4)
    assert reading.ranges[(0, 0, None)] == (1, None)


def test_a_count_just_short_of_its_groups_size_is_withheld():
    """20 of 22 children: the two who did not are a small count."""
    reading = check([Counts([[20, 12]], limits=[22, None])], 4)
    assert (0, 0, 0) in reading.ranges


def test_a_row_total_withheld_in_one_table_is_withheld_in_every_table_of_the_same_counts():
    by_group = Counts([[1, 1, 1, 1, 1], [9, 8, 7, 6, 5]])
    by_age = Counts([[5, 0], [20, 15]])
    shown = protect([by_group, by_age], exact=False, limit=4)
    assert [str(f) for f in shown[1].cells[0]] == ["[c]", "[c]"]
    assert str(shown[1].totals[0]) == "[c]"
    check([by_group, by_age], 4)


def test_every_small_row_of_up_to_four_cells_is_protected():
    """All 4,672 rows of 2 to 4 cells with counts from 0 to 7, with a threshold of 4."""
    for width in (2, 3, 4):
        for row in itertools.product(range(8), repeat=width):
            check([Counts([list(row)])], 4)


@st.composite
def families(draw: st.DrawFn) -> tuple[int, list[Counts]]:
    """One to four rows of counts, sometimes with published group sizes, known lower bounds and
    a second table of the same counts split another way."""
    t = draw(st.integers(2, 5))
    rows = draw(st.integers(1, 4))
    width = draw(st.integers(1, 4))
    count = st.one_of(st.integers(0, t + 2), st.integers(0, 25))
    cells = [[draw(count) for _ in range(width)] for _ in range(rows)]
    limits: list[int | None] | None = None
    if draw(st.booleans()):
        limits = []
        for j in range(width):
            top = max(row[j] for row in cells)
            choice = draw(st.sampled_from(["none", "exact", "slack"]))
            if choice == "none":
                limits.append(None)
            elif top == 0 and draw(st.booleans()):
                limits.append(0)
            else:
                limits.append(
                    max(top, t + 1) + (0 if choice == "exact" else draw(st.integers(0, 4)))
                )
    total_limit = None
    if draw(st.booleans()):
        total_limit = max(max(sum(r) for r in cells), t + 1) + draw(st.integers(0, 4))
    at_least = None
    if draw(st.booleans()):
        at_least = [[int(v > 0 and draw(st.booleans())) for v in row] for row in cells]
    tables = [Counts(cells, limits=limits, total_limit=total_limit, at_least=at_least)]
    if draw(st.booleans()):
        other_width = draw(st.integers(1, 3))
        split = []
        for row in cells:
            cuts = sorted(draw(st.integers(0, sum(row))) for _ in range(other_width - 1))
            bounds = [0, *cuts, sum(row)]
            split.append([bounds[k + 1] - bounds[k] for k in range(other_width)])
        tables.append(Counts(split))
    return t, tables


@settings(max_examples=800, deadline=None, derandomize=True)
@given(families())
def test_no_withheld_count_of_any_table_can_be_worked_out(family):
    t, tables = family
    check(tables, t)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.integers(2, 5),
    st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=1, max_size=3),
)
def test_a_table_without_totals_withholds_only_small_counts_and_none_can_be_pinned(t, rows):
    shown = protect([Counts(rows, totals=False)], exact=False, limit=t)[0]
    for row, cells in zip(rows, shown.cells, strict=True):
        assert [f.withheld for f in cells] == [0 < v <= t for v in row]
    check([Counts(rows, totals=False)], t)


def _documented(numerator: int, denominator: int, t: int) -> bool:
    """The rule for rates as docs/reports.md states it."""
    return 0 < numerator <= t or 0 < denominator - numerator <= t or 0 < denominator <= t


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.integers(2, 5), st.integers(0, 40), st.integers(0, 40))
def test_a_withheld_rate_leaves_its_numerator_and_complement_open(t, numerator, denominator):
    """A reader who knows the denominator and the rule: a rate is withheld when its numerator,
    the denominator less the numerator, or the denominator is from 1 to t. Whatever is withheld,
    at least two numerators (so two rates, and two complements) remain possible."""
    withheld = rate_withheld(numerator, denominator, limit=t)
    assert withheld == _documented(numerator, denominator, t)
    if withheld:
        possible = [
            n for n in range(max(denominator, numerator) + 2) if _documented(n, denominator, t)
        ]
        assert min(possible) < max(possible)
        complements = [denominator - n for n in possible]
        assert min(complements) < max(complements)


def test_the_exact_audience_sees_every_count_with_small_ones_marked():
    seen = protect([Counts([[1, 0, 30]])], exact=True, limit=4)[0]
    assert [(f.shown, f.small) for f in seen.cells[0]] == [(1, True), (0, False), (30, False)]
    assert seen.totals[0].shown == 31
