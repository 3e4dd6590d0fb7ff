"""Disclosure control: small counts can identify people, so they are never published.

A count from 1 to the threshold (``FOLLOWUP_DISCLOSURE_THRESHOLD``, default 4) is *disclosive*.
Zero is not: it tells of no one. People who may see exact counts see them marked; everyone else,
and every published output, sees ``SUPPRESSED`` instead.
"""

from __future__ import annotations

from django.conf import settings

SUPPRESSED = "[c]"
MEANING = "[c]: a count from 1 to {threshold}, withheld because it could identify people."


def threshold() -> int:
    return int(settings.DISCLOSURE_THRESHOLD)


def is_disclosive(count: int) -> bool:
    return 0 < count <= threshold()


def shown(count: int, *, exact: bool) -> int | str:
    """The count as a reader may see it: exact, or the suppression symbol when disclosive."""
    return count if exact or not is_disclosive(count) else SUPPRESSED


def meaning() -> str:
    return MEANING.format(threshold=threshold())


def protect_rows(rows: list[list[int]]) -> list[list[bool]]:
    """Which cells of a table to withhold, when each row's total is published beside it.

    Primary suppression withholds every disclosive count. Secondary suppression then makes sure no
    withheld cell can be worked out from its row total: wherever a row has exactly one withheld
    cell, the smallest other cell of that row (a zero if there is one) is withheld too. A row of
    one cell withholds its total instead (see ``row_total_withheld``). Columns have no published
    totals in the tables this serves (a source may count under several themes), so rows suffice;
    ``recoverable`` checks the result.
    """
    masks = [[is_disclosive(value) for value in row] for row in rows]
    for row, mask in zip(rows, masks, strict=True):
        if sum(mask) == 1 and len(row) > 1:
            candidates = [(value, i) for i, value in enumerate(row) if not mask[i]]
            _, index = min(candidates)
            mask[index] = True
    return masks


def row_total_withheld(row: list[int], mask: list[bool]) -> bool:
    """A row's total is withheld when it is disclosive itself, or when it would give away the
    one withheld cell of a one-cell row."""
    return is_disclosive(sum(row)) or (len(row) == 1 and any(mask))


def recoverable(
    rows: list[list[int]], masks: list[list[bool]], totals: list[bool]
) -> list[tuple[int, int]]:
    """Withheld cells a reader could work out exactly from the published row totals.

    A withheld cell is recoverable when its unit vector lies in the span of the published
    equations (each published row total minus its published cells gives the sum of that row's
    withheld cells): linear algebra over the withheld cells, not a heuristic.
    """
    import numpy as np

    hidden = [(r, c) for r, mask in enumerate(masks) for c, h in enumerate(mask) if h]
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    equations = []
    for r, mask in enumerate(masks):
        if totals[r]:
            equation = np.zeros(len(hidden))
            for c, h in enumerate(mask):
                if h:
                    equation[index[(r, c)]] = 1.0
            equations.append(equation)
    if not equations:
        return []
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    found = []
    for cell, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.append(cell)
    return found
