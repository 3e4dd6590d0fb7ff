"""Disclosure control: small counts can identify people, so they are never published.

One function, ``protect``, decides what every audience sees of a table of counts: pages,
downloads and reports all call it, so a viewer's page shows exactly what a published report
would. Those who code or approve evidence see every count, small ones marked; everyone else sees
``SUPPRESSED`` where a count is withheld.

The rules (docs/reports.md states them for readers, and the legend ``meaning()`` says the same):

1. A count from 1 to the threshold (``FOLLOWUP_DISCLOSURE_THRESHOLD``, default 4) is withheld.
   Zero is not: it tells of no one.
2. Where the size of the group a count is drawn from is published (the number of sources of a
   respondent group, say), a count 1 to the threshold short of it is withheld too: "all but two
   of the 22 children" tells of two children.
3. Where a row's total is published, more counts of the row are withheld (the smallest first, and
   never a zero) until no withheld count can be worked out from the total, the other counts, the
   published group sizes and what the legend says a ``[c]`` may be.
4. A row's total is withheld when it is a small count, 1 to the threshold short of the number it
   is drawn from, or when rule 3 cannot protect the row with it shown; then every count of the
   row is withheld too, zeros included, and so is the row's total in every other table of the
   same counts (the same codes counted by another attribute), so that one cannot undo the other.

The reader the rules are built against knows them, and everything published for their audience:
a ``[c]`` in a row whose total is shown is a whole number of at least 1 (and at most its group's
published size); in a row whose total is withheld it may be 0; a withheld total is at least 1.
For every withheld count, the smallest and largest values consistent with all that differ:
``tests/core/test_disclosure_guarantee.py`` checks this against an exact integer search over
thousands of random tables.

Figures that are not a table of counts (an indicator's figures, and the data elements behind
them) are decided by ``protect_figures``, by the same rules read for figures linked by formulas:

5. A count from 1 to the threshold is withheld, and so is a rate's numerator where
   ``rate_withheld`` says so (its complement to a shown denominator is small, or the
   denominator is); withheld figures are withheld wherever the same figure is shown.
6. A figure worked out by a formula (a derived data element: a sum or difference of others) is
   withheld when any figure it is worked out from is withheld; and where it is withheld while
   every figure it is worked out from is shown, the smallest non-zero of those is withheld too,
   so that the formula cannot give it back. This repeats until nothing changes, so every
   formula either shows all its figures or withholds its result and at least one part.
7. Other sums a reader knows or may guess are read as formulas too: Scotland's count is its
   councils' sum (by rule 6), and, more lightly, a validation rule ``a + b == c`` and one count
   of an area and period equal to another or to the sum of two others: where exactly one of
   their figures is withheld, the sum is withheld too (or, if that is the one, its smallest
   non-zero part), so that no such sum shows all its figures but one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)
SUPPRESSED = "[c]"
MEANING = (
    "[c]: withheld. A count from 1 to {threshold} could identify people, and so could a count "
    "1 to {threshold} short of a group's published size; other counts are withheld with them "
    "so that none can be worked out from a total. A [c] in a row whose total is shown is at "
    "least 1; where a total is withheld, every count in its row is too, 0 included."
)
GLOSSARY = (
    "Withheld: a count from 1 to the disclosure threshold, or 1 to the threshold short of a "
    "group's published size, which could identify people; other counts, and totals, may be "
    "withheld with it so that it cannot be worked out. A [c] may be any whole number."
)


def threshold() -> int:
    return int(settings.DISCLOSURE_THRESHOLD)


def is_disclosive(count: int, *, limit: int | None = None) -> bool:
    """A count from 1 to the threshold (``limit`` overrides the setting)."""
    return 0 < count <= (threshold() if limit is None else limit)


def meaning() -> str:
    return MEANING.format(threshold=threshold())


def rate_withheld(
    numerator: float | None, denominator: float | None, *, limit: int | None = None
) -> bool:
    """Whether a figure worked out from a count of people must be withheld.

    Withheld when its numerator is a small count, when the numerator is part of the denominator
    and the rest of it (denominator minus numerator) is a small count (a rate shown beside a
    known denominator gives its numerator away, and so 98% of 100 gives away two), or when the
    denominator is a small count. A figure without a denominator is its numerator.
    """
    if numerator is None:
        return False
    top = round(numerator)
    if is_disclosive(top, limit=limit):
        return True
    if denominator is None:
        return False
    bottom = round(denominator)
    return is_disclosive(bottom - top, limit=limit) or is_disclosive(bottom, limit=limit)


@dataclass(frozen=True)
class Figure:
    """One count as an audience sees it."""

    value: int
    withheld: bool = False
    small: bool = False  # from 1 to the threshold: marked for those who see it

    @property
    def shown(self) -> int | str:
        return SUPPRESSED if self.withheld else self.value

    def __str__(self) -> str:
        return str(self.shown)


@dataclass
class Counts:
    """A table of counts as collected, and what a reader knows besides it.

    ``totals``: each row's total is published beside it. ``limits``: per column, the published
    size of the group its counts are drawn from (every count of the column is at most it), or
    None; ``total_limit`` the same for the row totals. ``at_least``: per cell, a lower bound a
    reader knows from elsewhere (a published quote shows that a group said something at least
    once).
    """

    rows: list[list[int]]
    totals: bool = True
    limits: list[int | None] | None = None
    total_limit: int | None = None
    at_least: list[list[int]] | None = None


@dataclass
class Shown:
    """A table as one audience sees it: every cell and row total as a ``Figure``."""

    cells: list[list[Figure]]
    totals: list[Figure] = field(default_factory=list)


def protect(tables: Sequence[Counts], *, exact: bool, limit: int | None = None) -> list[Shown]:
    """What an audience sees of tables of the same counts (rows are the same things, with the
    same totals, in every table): exactly, small counts marked, for those who may see them;
    protected by the rules above for everyone else."""
    t = threshold() if limit is None else limit
    if t < 2:
        raise ValueError("The disclosure threshold must be at least 2.")
    for table in tables:
        _check(table, t)
    if exact:
        return [_exact(table, t) for table in tables]
    with_totals = [table for table in tables if table.totals]
    if with_totals:
        sums = [sum(row) for row in with_totals[0].rows]
        for table in with_totals[1:]:
            if [sum(row) for row in table.rows] != sums:
                raise ValueError("Tables of the same counts must have the same row totals.")
    total_limits = [table.total_limit for table in with_totals if table.total_limit is not None]
    total_limit = min(total_limits) if total_limits else None
    forced = [False] * (len(with_totals[0].rows) if with_totals else 0)
    for table in with_totals:
        for i, row in enumerate(table.rows):
            _, withheld = _protect_row(
                row, _limits(table, len(row)), _lows(table, i, len(row)), total_limit, t, False
            )
            forced[i] = forced[i] or withheld
    return [
        _protected(table, t, total_limit, forced) if table.totals else _primary(table, t)
        for table in tables
    ]


def protect_one(counts: Counts, *, exact: bool, limit: int | None = None) -> Shown:
    return protect([counts], exact=exact, limit=limit)[0]


def _check(table: Counts, t: int) -> None:
    width = len(table.rows[0]) if table.rows else 0
    if any(len(row) != width for row in table.rows):
        raise ValueError("Every row of a table must have the same number of cells.")
    if any(v < 0 for row in table.rows for v in row):
        raise ValueError("Counts cannot be negative.")
    limits = _limits(table, width)
    for limit in [*limits, table.total_limit]:
        if limit is not None and 0 < limit <= t:
            raise ValueError("A published group size cannot be a small count.")
    for row in table.rows:
        if any(c is not None and v > c for v, c in zip(row, limits, strict=True)):
            raise ValueError("A count cannot exceed its group's size.")


def _limits(table: Counts, width: int) -> list[int | None]:
    return list(table.limits) if table.limits is not None else [None] * width


def _lows(table: Counts, i: int, width: int) -> list[int]:
    return list(table.at_least[i]) if table.at_least is not None else [0] * width


def _exact(table: Counts, t: int) -> Shown:
    cells = [[Figure(v, small=0 < v <= t) for v in row] for row in table.rows]
    totals = [Figure(sum(row), small=0 < sum(row) <= t) for row in table.rows]
    return Shown(cells, totals if table.totals else [])


def _primary(table: Counts, t: int) -> Shown:
    """A table without totals: only the small counts are withheld."""
    return Shown([[Figure(v, withheld=0 < v <= t) for v in row] for row in table.rows])


def _protected(table: Counts, t: int, total_limit: int | None, forced: list[bool]) -> Shown:
    cells, totals = [], []
    for i, row in enumerate(table.rows):
        mask, withheld = _protect_row(
            row, _limits(table, len(row)), _lows(table, i, len(row)), total_limit, t, forced[i]
        )
        cells.append([Figure(v, withheld=m) for v, m in zip(row, mask, strict=True)])
        totals.append(Figure(sum(row), withheld=withheld))
    return Shown(cells, totals)


def _complement_small(value: int, size: int | None, t: int) -> bool:
    return size is not None and 0 < size - value <= t


def _protect_row(
    row: list[int],
    limits: list[int | None],
    lows: list[int],
    total_limit: int | None,
    t: int,
    force_total: bool,
) -> tuple[list[bool], bool]:
    """Which cells of one row to withhold, and whether to withhold its total."""
    total = sum(row)
    everything = [size != 0 for size in limits]  # a count of an empty group is known to be 0
    if force_total or 0 < total <= t or _complement_small(total, total_limit, t):
        return everything, True
    mask = [0 < v <= t or _complement_small(v, limits[j], t) for j, v in enumerate(row)]
    while _pinned(row, mask, limits, lows):
        spare = [(v, j) for j, v in enumerate(row) if not mask[j] and v > 0]
        if not spare:
            return everything, True
        mask[min(spare)[1]] = True
    return mask, False


def _pinned(row: list[int], mask: list[bool], limits: list[int | None], lows: list[int]) -> bool:
    """Whether some withheld cell of a row whose total is shown has only one possible value.

    Each withheld cell lies between its lower bound (at least 1: zeros are shown where the total
    is) and its group's size; together they add up to the total less the shown cells. Sums of
    whole-number intervals are whole-number intervals, so each cell's possible values are exactly
    the interval below.
    """
    hidden = [j for j, m in enumerate(mask) if m]
    if not hidden:
        return False
    lo = {j: max(1, lows[j]) for j in hidden}
    hi = {j: limits[j] for j in hidden}
    rest = sum(row[j] for j in hidden)
    all_lo = sum(lo.values())
    unbounded = [j for j in hidden if hi[j] is None]
    all_hi = sum(h for h in hi.values() if h is not None)
    for j in hidden:
        others_lo = all_lo - lo[j]
        if unbounded and unbounded != [j]:
            smallest = lo[j]
        else:
            others_hi = all_hi - (hi[j] or 0)
            smallest = max(lo[j], rest - others_hi)
        own_hi = hi[j]
        largest = rest - others_lo if own_hi is None else min(own_hi, rest - others_lo)
        if smallest >= largest:
            return True
    return False


@dataclass(frozen=True)
class Formula:
    """A figure worked out from others: ``total`` is the sum of ``parts``, each signed +1 or -1
    (plus a constant, which tells a reader nothing)."""

    total: Hashable
    parts: tuple[tuple[int, Hashable], ...]
    known: bool = True  # False: a sum a reader may guess or check, not one Followup works out


def protect_figures(
    values: Mapping[K, float],
    *,
    counts: Iterable[K] = (),
    rates: Iterable[tuple[K, K]] = (),
    formulas: Iterable[Formula] = (),
    also: Iterable[K] = (),
    limit: int | None = None,
) -> set[K]:
    """Which of ``values`` an audience that may not see small counts is not shown (rules 5 and
    6): ``counts`` are the figures that count people, ``rates`` pairs of (numerator,
    denominator) shown as a rate, ``formulas`` the figures worked out from others, and ``also``
    figures withheld elsewhere (a published report withheld the same figure)."""
    t = threshold() if limit is None else limit
    withheld: set[Any] = {key for key in also if key in values}
    for key in counts:
        value = values.get(key)
        if value is not None and float(value).is_integer() and is_disclosive(int(value), limit=t):
            withheld.add(key)
    for top, bottom in rates:
        if top not in values or bottom not in values:
            continue
        if rate_withheld(values[top], values[bottom], limit=t):
            withheld.add(top)
        if is_disclosive(round(values[bottom]), limit=t):
            withheld.add(bottom)
    known: Mapping[Any, float] = values
    linked = [f for f in formulas if f.total in known and all(k in known for _, k in f.parts)]
    # Known formulas first, to their fixpoint; then a guessed sum only where that leaves it
    # one figure short, so that it withholds no more than it must.
    while _settle([f for f in linked if f.known], withheld, known) | _settle(
        [f for f in linked if not f.known], withheld, known, once=True
    ):
        pass
    return withheld


def _settle(
    formulas: list[Formula], withheld: set[Any], known: Mapping[Any, float], *, once: bool = False
) -> bool:
    """Apply rules 6 and 7 to ``formulas`` until nothing changes (``once``: one pass); whether
    anything did."""
    any_change = False
    changed = True
    while changed:
        changed = False
        for formula in formulas:
            hidden = [key for _, key in formula.parts if key in withheld]
            if not formula.known and len(hidden) + (formula.total in withheld) != 1:
                continue
            if hidden and formula.total not in withheld:
                withheld.add(formula.total)
                changed = True
            elif formula.total in withheld and not hidden:
                _, first = min(
                    formula.parts, key=lambda part: (known[part[1]] == 0, abs(known[part[1]]))
                )
                withheld.add(first)
                changed = True
        any_change = any_change or changed
        if once:
            break
    return any_change
