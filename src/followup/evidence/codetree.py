"""The codebook as the coding screen shows it: a tree in three groups (the wellbeing indicators,
the quality indicators, the partnership's own themes), headings marked, narrowed by a filter.

And the words of a span with the codings on them cut into runs, so a page can highlight coded
words and name their codes after them."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from followup.evidence.models import Code

GROUPS = (
    ("wellbeing", "Wellbeing indicators"),
    ("qi", "Quality indicators"),
    ("", "Local themes"),
)


@dataclass
class Node:
    code: Code
    heading: bool
    children: list[Node] = field(default_factory=list)


@dataclass
class Group:
    title: str
    nodes: list[Node]


def _order(code: Code) -> tuple[int, str]:
    qi = code.quality_indicator
    return (qi.order if qi is not None else 0, code.name.lower())


def code_tree(codes: Iterable[Code], words: str = "") -> list[Group]:
    """The codes (read with their quality indicators) as trees in their groups. With ``words``,
    only the codes whose name holds them (any case), with the codes around them: the headings
    above, for where they sit, and the codes inside, which a matching heading stands for."""
    codes = list(codes)
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    wanted = words.strip().casefold()

    def build(code: Code, shown: bool) -> Node | None:
        shown = shown or wanted in code.name.casefold()
        nodes = [n for c in sorted(children.get(code.pk, []), key=_order) if (n := build(c, shown))]
        if not shown and not nodes:
            return None
        return Node(code, code.is_heading, nodes)

    roots: dict[str, list[Node]] = {origin: [] for origin, _ in GROUPS}
    for root in sorted(children.get(None, []), key=_order):
        node = build(root, not wanted)
        if node is not None:
            roots.get(root.origin, roots[""]).append(node)
    return [Group(title, roots[origin]) for origin, title in GROUPS if roots[origin]]


@dataclass(frozen=True)
class Run:
    """Words of a text and the names of the codes on every one of them (none: not coded)."""

    text: str
    names: tuple[str, ...]


def runs(text: str, start: int, end: int, coded: list[tuple[int, int, str]]) -> list[Run]:
    """``text[start:end]`` cut where a coding in ``coded`` (start, end, code name) begins or
    ends, each piece with the names of the codes covering it; neighbours with the same codes
    are one run. One sweep over the places where codings begin and end, however many overlap."""
    changes: dict[int, Counter[str]] = defaultdict(Counter)
    for a, b, name in coded:
        a, b = max(a, start), min(b, end)
        if a < b:
            changes[a][name] += 1
            changes[b][name] -= 1
    active: Counter[str] = Counter()
    found: list[Run] = []
    for a, b in pairwise(sorted({start, end, *changes})):
        active.update(changes.get(a, Counter()))
        names = tuple(sorted((n for n, count in active.items() if count > 0), key=str.lower))
        if found and found[-1].names == names:
            found[-1] = Run(found[-1].text + text[a:b], names)
        else:
            found.append(Run(text[a:b], names))
    return found


def cut(found: list[Run], start: int, spans: list[tuple[int, int]]) -> list[list[Run]]:
    """The runs ``found`` of a text from character ``start``, cut to each span (start, end)."""
    places = list(accumulate((len(run.text) for run in found), initial=start))
    shown: list[list[Run]] = []
    for a, b in spans:
        these = []
        for k in range(max(bisect_right(places, a) - 1, 0), len(found)):
            if places[k] >= b:
                break
            lo, hi = max(a, places[k]), min(b, places[k + 1])
            if lo < hi:
                these.append(Run(found[k].text[lo - places[k] : hi - places[k]], found[k].names))
        shown.append(these)
    return shown
