"""What an audience sees of the counts of qualitative evidence, decided once for every page,
download and report.

Every count a page, a download or a report shows of the evidence comes from ``evidence_for``,
which passes all of them through ``followup.lib.disclosure.protect`` together, so that no two
of them can be combined to undo a withheld count:

- **who we heard from**: sources by respondent group and kind, with each group's total;
- **codes by attribute**: for each case attribute, the sources that raised each code, by value,
  with each code's total. The tables of every attribute count the same sources, so they are
  protected as one family: a code's total withheld in one is withheld in all. The respondent
  group table's columns are the groups of the first table, so a count close to its group's
  published size is withheld too (rule 2), and approved quotes, which name a group, count as a
  known "at least one";
- **co-occurrence** of codes (overlapping passages of each pair of codes): for those who code or
  approve evidence only. A published report has no such table, so a viewer, who sees what a
  report would, has none either: a count of the sources that raised both codes, beside zeros of
  the tables by attribute, could bound a withheld count.

Those who code or approve evidence (``exact``) also see the passages (codings) in each cell, the
overlapping passages of each pair of codes, and every small count, marked. Everyone else sees
counts of sources only, as a report shows them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from followup.evidence.analysis import NOT_RECORDED, attributes_of, cooccurrence
from followup.evidence.kept import kept
from followup.evidence.models import Code, Coding, Quote, Source
from followup.evidence.queries import Theme, codebook, themes_for
from followup.inspections.models import Recommendation
from followup.lib.disclosure import Counts, Figure, Shown, protect, protect_one, threshold
from followup.partnerships.models import Partnership

RESPONDENT_GROUP = "Respondent group"


@dataclass
class Row:
    """One code's counts by the values of an attribute."""

    code: Code
    depth: int
    sources: list[Figure]
    total: Figure
    codings: list[Figure] | None = None  # passages: for those who code or approve evidence
    total_codings: Figure | None = None


@dataclass
class Matrix:
    attribute: str
    values: list[str]
    rows: list[Row] = field(default_factory=list)

    def row_for(self, code: Code) -> Row | None:
        return next((row for row in self.rows if row.code.pk == code.pk), None)


@dataclass
class HeardFrom:
    groups: list[str]
    kinds: list[str]  # Source.Kind values
    cells: list[list[Figure]]
    totals: list[Figure]


@dataclass
class Evidence:
    exact: bool
    attributes: dict[str, list[str]]
    matrices: dict[str, Matrix]
    heard_from: HeardFrom | None
    co_codes: list[Code]
    co_table: list[list[Figure]]

    @property
    def groups(self) -> Matrix:
        return self.matrices[RESPONDENT_GROUP]


def _group(attributes: dict[str, str] | None) -> str:
    return str((attributes or {}).get(RESPONDENT_GROUP) or "") or NOT_RECORDED


def _heard_from(
    sources: Iterable[tuple[int, str, dict[str, str] | None]], quoted: set[tuple[str, str]]
) -> tuple[list[str], list[str], Counts] | None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _pk, kind, attributes in sources:
        counts[_group(attributes)][kind] += 1
    if not counts:
        return None
    groups = sorted(counts, key=lambda g: (g == NOT_RECORDED, g))
    kinds = [k for k in Source.Kind.values if any(k in by for by in counts.values())]
    rows = [[counts[g].get(k, 0) for k in kinds] for g in groups]
    lows = [[int((g, k) in quoted) for k in kinds] for g in groups]
    return groups, kinds, Counts(rows, at_least=lows)


def evidence_for(
    partnership: Partnership,
    *,
    exact: bool,
    source_ids: Iterable[int] | None = None,
    cooccurring: bool = True,
) -> Evidence:
    """Every count of the partnership's evidence as this audience sees it. ``source_ids``
    restricts the counts to some sources (a report's evidence up to its cut-off). Without
    ``cooccurring``, the codes-used-together table (exact audiences only) is left out.

    The steps: read the sources, codings and approved quotes; who we heard from, and each
    group's size as published; for each attribute shown, the codes' counts of sources (and of
    passages) by its values, the respondent groups' bounded by their sizes and quotes; all of
    them protected together; then, for those who see exact counts, the co-occurrence table."""
    sources_query = Source.objects.filter(partnership=partnership)
    codings_query = Coding.objects.filter(source__partnership=partnership)
    if source_ids is not None:
        chosen = set(source_ids)
        sources_query = sources_query.filter(pk__in=chosen)
        codings_query = codings_query.filter(source_id__in=chosen)
    sources = list(sources_query.values_list("pk", "kind", "case__attributes"))
    kind_of = {pk: kind for pk, kind, _ in sources}
    codings = list(codings_query.values_list("code_id", "source_id", "source__case__attributes"))
    quotes = Quote.objects.filter(
        coding__source__in=[pk for pk, _, _ in sources], status=Quote.Status.APPROVED
    ).values_list("coding__code_id", "coding__source_id", "coding__source__case__attributes")
    quoted_codes = {(code, _group(attrs)) for code, _, attrs in quotes}
    quoted_kinds = {(_group(attrs), kind_of[source]) for _, source, attrs in quotes}

    heard = _heard_from(sources, quoted_kinds)
    heard_shown = protect_one(heard[2], exact=exact) if heard else None
    group_size: dict[str, int | None] = {}  # as published, whoever is reading
    if heard:
        published = protect_one(heard[2], exact=False) if exact or not heard_shown else heard_shown
        for group, total in zip(heard[0], published.totals, strict=True):
            group_size[group] = None if total.withheld else total.value

    attributes = _attributes_shown(partnership, exact)
    names = list(attributes)
    if RESPONDENT_GROUP not in attributes:
        names.append(RESPONDENT_GROUP)
    nodes = codebook(partnership)
    tables: list[Counts] = []
    codings_tables: list[list[list[int]]] = []
    all_values: list[list[str]] = []
    for name in names:
        values = [*attributes.get(name, []), NOT_RECORDED]
        counts, passages = _by_attribute(name, values, codings, nodes)
        if name == RESPONDENT_GROUP:
            _bound_by_groups(counts, values, nodes, group_size if heard else None, quoted_codes)
        tables.append(counts)
        codings_tables.append(passages)
        all_values.append(values)
    shown = protect(tables, exact=exact)
    t = threshold()
    matrices = {
        name: _matrix(name, values, nodes, seen, passages_rows, exact=exact, threshold=t)
        for name, values, seen, passages_rows in zip(
            names, all_values, shown, codings_tables, strict=True
        )
    }

    if exact and cooccurring:
        co_codes, co_counts = cooccurrence(partnership, source_ids=source_ids)
        co_shown: Shown = protect_one(Counts(co_counts, totals=False), exact=True)
    else:
        co_codes, co_shown = [], Shown([])
    return Evidence(
        exact=exact,
        attributes=attributes,
        matrices=matrices,
        heard_from=(
            HeardFrom(heard[0], heard[1], heard_shown.cells, heard_shown.totals)
            if heard and heard_shown
            else None
        ),
        co_codes=co_codes,
        co_table=co_shown.cells,
    )


def _attributes_shown(partnership: Partnership, exact: bool) -> dict[str, list[str]]:
    """The case attributes whose tables this audience sees, each with its values."""
    attributes = attributes_of(partnership)
    if not exact:
        # What a published report holds: codes by respondent group only. Tables by other
        # attributes gave withheld counts away to a reader who knows which groups an attribute
        # is recorded for (age bands for children, organisations for staff).
        attributes = {RESPONDENT_GROUP: attributes.get(RESPONDENT_GROUP, [])}
    return attributes


Nodes = list[tuple[Code, int]]


def _by_attribute(
    name: str,
    values: list[str],
    codings: list[tuple[int, int, dict[str, str] | None]],
    nodes: Nodes,
) -> tuple[Counts, list[list[int]]]:
    """Each code's count of the sources that raised it, by the attribute's values (not yet
    protected), and its count of passages (codings) likewise."""
    where = {v: j for j, v in enumerate(values)}
    passages: dict[tuple[int, int], int] = defaultdict(int)
    distinct: dict[tuple[int, int], set[int]] = defaultdict(set)
    for code, source, attrs in codings:
        column = where[str((attrs or {}).get(name) or "") or NOT_RECORDED]
        passages[(code, column)] += 1
        distinct[(code, column)].add(source)
    rows = [[len(distinct[(node.pk, j)]) for j in range(len(values))] for node, _ in nodes]
    passage_rows = [[passages[(node.pk, j)] for j in range(len(values))] for node, _ in nodes]
    return Counts(rows), passage_rows


def _bound_by_groups(
    counts: Counts,
    values: list[str],
    nodes: Nodes,
    group_size: dict[str, int | None] | None,
    quoted_codes: set[tuple[int, str]],
) -> None:
    """What a reader knows of the table by respondent group: each group's published size (None
    when nobody was heard from), their sum when every size is published, and at least one
    source for each code an approved quote of the group shows."""
    counts.limits = [group_size.get(v, 0) if group_size is not None else None for v in values]
    if group_size is not None:
        sizes_known = [s for s in group_size.values() if s is not None]
        if len(sizes_known) == len(group_size):
            counts.total_limit = sum(sizes_known)
    counts.at_least = [[int((node.pk, v) in quoted_codes) for v in values] for node, _ in nodes]


def _matrix(
    name: str,
    values: list[str],
    nodes: Nodes,
    seen: Shown,
    passages_rows: list[list[int]],
    *,
    exact: bool,
    threshold: int,
) -> Matrix:
    """One attribute's protected table, a row a code; with its passages for those who see
    exact counts, each small count marked."""
    matrix = Matrix(attribute=name, values=values)
    for (node, depth), cells, total, passages_row in zip(
        nodes, seen.cells, seen.totals, passages_rows, strict=True
    ):
        row = Row(code=node, depth=depth, sources=cells, total=total)
        if exact:
            row.codings = [Figure(n, small=0 < n <= threshold) for n in passages_row]
            n = sum(passages_row)
            row.total_codings = Figure(n, small=0 < n <= threshold)
        matrix.rows.append(row)
    return matrix


@dataclass
class ThemeShown:
    """A theme of a recommendation with its counts by respondent group, as an audience sees
    them: the row of the one protected table of codes by respondent group."""

    theme: Theme
    row: Row
    groups: list[tuple[str, Figure, Figure | None]]  # group, sources, codings (exact only)


def themes_shown(recommendation: Recommendation, *, exact: bool) -> list[ThemeShown]:
    """The recommendation's themes (``queries.themes_for``), each with the groups whose count is
    not a plain 0: a group left out is one its row shows as 0. Kept between requests until the
    partnership's records change (``evidence.kept``)."""
    return kept(
        "themes",
        recommendation.inspection.partnership,
        lambda: _themes_shown(recommendation, exact=exact),
        exact=exact,
        key=str(recommendation.pk),
    )


def evidence_shown(partnership: Partnership, *, exact: bool) -> Evidence:
    """``evidence_for`` the whole of the partnership's evidence, for the analysis pages: kept
    between requests until the partnership's records change (``evidence.kept``)."""
    return kept("all", partnership, lambda: evidence_for(partnership, exact=exact), exact=exact)


def _themes_shown(recommendation: Recommendation, *, exact: bool) -> list[ThemeShown]:
    # The codes-used-together table is not shown here: not computed either.
    evidence = evidence_for(recommendation.inspection.partnership, exact=exact, cooccurring=False)
    matrix = evidence.groups
    found = []
    for theme in themes_for(recommendation):
        row = matrix.row_for(theme.code)
        if row is None:
            continue
        groups = [
            (value, sources, row.codings[j] if row.codings else None)
            for j, (value, sources) in enumerate(zip(matrix.values, row.sources, strict=True))
            if sources.withheld or sources.value
        ]
        found.append(ThemeShown(theme=theme, row=row, groups=groups))
    return found
