"""Every read of qualitative evidence, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from followup.evidence import codetree
from followup.evidence.models import Case, Code, Coding, Quote, Source, SurveyUpload
from followup.inspections.models import Recommendation
from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Partnership


def sources_of(partnership: Partnership) -> QuerySet[Source]:
    return Source.objects.filter(partnership=partnership).annotate(coding_count=Count("codings"))


def coding_count(partnership: Partnership) -> int:
    """How many coded passages the partnership's sources hold."""
    return Coding.objects.filter(source__partnership=partnership).count()


def source_for(user: AnyUser, slug: str, pk: int) -> Source:
    partnership = partnership_for(user, slug)
    return get_object_or_404(Source.objects.filter(partnership=partnership), pk=pk)


def codings_within(source: Source, start: int, end: int) -> QuerySet[Coding]:
    """The source's codings that share a character with ``text[start:end]``, in order of place
    (of every coding when the text is empty)."""
    query = source.codings.select_related("code").order_by("start", "end", "code__name", "pk")
    return query.filter(start__lt=end, end__gt=start) if end > start else query


def names_on_spans(source: Source, start: int, end: int) -> dict[tuple[int, int], list[str]]:
    """The names of the codes on each span lying wholly inside ``text[start:end]``."""
    found: dict[tuple[int, int], list[str]] = {}
    for a, b, name in (
        source.codings.filter(start__gte=start, end__lte=end)
        .order_by("start", "end", "code__name")
        .values_list("start", "end", "code__name")
    ):
        found.setdefault((a, b), []).append(name)
    return found


def coded_spans(source: Source, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, code name) of every coding sharing a character with ``text[start:end]``."""
    return list(
        source.codings.filter(start__lt=end, end__gt=start)
        .order_by("start", "end", "code__name")
        .values_list("start", "end", "code__name")
    )


def code_tree_of(partnership: Partnership, words: str = "") -> list[codetree.Group]:
    """The partnership's codebook as the coding screen shows it (``codetree.code_tree``)."""
    codes = Code.objects.filter(partnership=partnership).select_related("quality_indicator")
    return codetree.code_tree(codes, words)


def coding_for(user: AnyUser, slug: str, pk: int) -> Coding:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Coding.objects.select_related("source__partnership", "code"),
        pk=pk,
        source__partnership=partnership,
    )


def codebook(partnership: Partnership) -> list[tuple[Code, int]]:
    """The codes in tree order with their depth (parents before children)."""
    codes = list(Code.objects.filter(partnership=partnership).annotate(used=Count("codings")))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: c.name.lower()):
            ordered.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered


def code_for(user: AnyUser, slug: str, pk: int) -> Code:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Code.objects.select_related("partnership", "parent"), pk=pk, partnership=partnership
    )


def survey_for(user: AnyUser, slug: str, pk: int) -> SurveyUpload:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        SurveyUpload.objects.select_related("partnership"), pk=pk, partnership=partnership
    )


def quotes_of(partnership: Partnership, *, approved_only: bool) -> QuerySet[Quote]:
    """A partnership's quotes; people who may not see originals get approved quotes only."""
    query = (
        Quote.objects.filter(coding__source__partnership=partnership)
        .select_related("coding__source", "coding__code", "approved_by")
        .prefetch_related("recommendations", "quality_indicators")
    )
    return query.filter(status=Quote.Status.APPROVED) if approved_only else query


def approved_quotes_of(user: AnyUser, slug: str) -> QuerySet[Quote]:
    """The partnership's quotes approved for publication, newest first: what every member may
    read, as a viewer's quotes page shows them."""
    return quotes_of(partnership_for(user, slug), approved_only=True).order_by("-pk")


def quote_for(user: AnyUser, slug: str, pk: int) -> Quote:
    partnership = partnership_for(user, slug)
    return get_object_or_404(quotes_of(partnership, approved_only=False), pk=pk)


def approved_quotes_for(recommendation: Recommendation) -> QuerySet[Quote]:
    """The approved quotes linked to a recommendation: all a report may use."""
    return Quote.objects.filter(
        recommendations=recommendation, status=Quote.Status.APPROVED
    ).select_related("coding__source", "coding__code")


def cases_of(partnership: Partnership) -> QuerySet[Case]:
    return Case.objects.filter(partnership=partnership).annotate(source_count=Count("sources"))


@dataclass
class Theme:
    """A code that is evidence for a recommendation, with its passages counted by group."""

    code: Code
    how: str  # "linked" or the QI it stands for
    by_group: list[tuple[str, int, int]]  # (respondent group, codings, sources)
    codings: int
    sources: int


def themes_for(
    recommendation: Recommendation, *, sources: QuerySet[Source] | None = None
) -> list[Theme]:
    """Codes linked to the recommendation, and QI codes of its quality indicators (with the codes
    inside them), each with its codings and sources counted by respondent group. With
    ``sources``, only codings of those sources count (a report's evidence cut-off)."""
    partnership = recommendation.inspection.partnership
    qis = set(recommendation.quality_indicators.values_list("pk", flat=True))
    chosen: dict[int, str] = {}
    for code in Code.objects.filter(partnership=partnership, recommendations=recommendation):
        chosen[code.pk] = "linked to this recommendation"
    for code in Code.objects.filter(partnership=partnership, quality_indicator_id__in=qis):
        chosen.setdefault(code.pk, f"quality indicator {code.name}")
    if not chosen:
        return []
    children: dict[int, list[Code]] = {}
    for code in Code.objects.filter(partnership=partnership, parent__isnull=False):
        children.setdefault(code.parent_id or 0, []).append(code)
    frontier = list(chosen)
    while frontier:
        parent = frontier.pop()
        for child in children.get(parent, []):
            if child.pk not in chosen:
                chosen[child.pk] = f"inside a code for this recommendation ({chosen[parent]})"
                frontier.append(child.pk)
    codes = {c.pk: c for c in Code.objects.filter(pk__in=chosen)}
    codings = Coding.objects.filter(code_id__in=chosen)
    if sources is not None:
        codings = codings.filter(source__in=sources)
    rows = codings.values_list("code_id", "source_id", "source__case__attributes")
    counts: dict[int, dict[str, list[Any]]] = {}
    for code_id, source_id, attrs in rows:
        group = str((attrs or {}).get("Respondent group") or "") or "Not recorded"
        cell = counts.setdefault(code_id, {}).setdefault(group, [0, set()])
        cell[0] += 1
        cell[1].add(source_id)
    themes = []
    for pk, how in chosen.items():
        groups = counts.get(pk, {})
        by_group = sorted((g, n, len(s)) for g, (n, s) in groups.items())
        themes.append(
            Theme(
                code=codes[pk],
                how=how,
                by_group=by_group,
                codings=sum(n for _, n, _ in by_group),
                sources=len(set().union(*(s for _, s in groups.values()))) if groups else 0,
            )
        )
    themes.sort(key=lambda t: (-t.codings, t.code.name))
    return themes


def case_for(partnership: Partnership, pk: int) -> Case:
    """One case of a partnership the caller has already been let into."""
    return get_object_or_404(Case, partnership=partnership, pk=pk)
