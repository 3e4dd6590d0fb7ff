"""The synthetic national data's qualitative evidence (``followup.demo.national``).

Each partnership gets a codebook (four themes, each with three codes inside, each code linked to
a recommendation), respondents (cases with a respondent group), and sources of made-up sentences
(no real person's words; every source says it is synthetic). The codings share the scale's total
out across the partnerships, each a whole sentence given one code; for each recommendation, four
passages are approved quotes linked to it, one with a name hidden, and one more waits for
approval.
"""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from followup.demo.synthetic import copy_rows, rng_for, uuid_from
from followup.evidence.disclosed import RESPONDENT_GROUP
from followup.evidence.models import Case, Code, Coding, Quote, Source
from followup.inspections.models import Recommendation
from followup.partnerships.models import Partnership

if TYPE_CHECKING:
    from followup.demo.national import Scale

THEMES = {
    "Getting help": ["Help at the right time", "Waiting for support", "Help at school"],
    "Relationships": ["The same worker", "Being listened to", "Staying with family"],
    "Leadership": ["Leadership and vision", "Working together", "Showing the difference"],
    "Places and activities": ["Things to do", "Transport", "Feeling safe locally"],
}
GROUPS = ["Children and young people", "Parents and carers", "Staff"]
KINDS = [Source.Kind.SURVEY, Source.Kind.FOCUS_GROUP, Source.Kind.INTERVIEW]
OPENINGS = [
    "In this synthetic note, a respondent said that",
    "A made-up participant told us that",
    "Synthetic answer: someone wrote that",
    "In the fictional group, people agreed that",
]
MIDDLES = [
    "help came sooner than they expected",
    "they waited a long time for support",
    "having the same worker made a difference",
    "nobody asked them what they thought",
    "staying near family mattered most",
    "leaders shared a clear vision",
    "the services worked well together",
    "it was hard to show what had changed",
    "there was not much to do after school",
    "the bus did not run in the evening",
    "they felt safe in their area",
    "school staff noticed early when things went wrong",
]
ENDINGS = ["this year.", "most of the time.", "at first.", "in the end.", "when it mattered."]


def _sentence(rng: Any) -> str:
    return f"{rng.choice(OPENINGS)} {rng.choice(MIDDLES)} {rng.choice(ENDINGS)}"


def create_evidence(
    seed: int,
    scale: Scale,
    partnerships: list[Partnership],
    recommendations: dict[int, list[Recommendation]],
    users: dict[int, dict[str, User]],
    progress: Callable[[str, int, int], None],
) -> dict[str, int]:
    codes_of = _codebooks(seed, partnerships, recommendations)
    cases_of = _cases(seed, partnerships)
    # Each partnership's share of the codings, and its sources' sentences.
    share = [
        scale.codings // len(partnerships) + (1 if i < scale.codings % len(partnerships) else 0)
        for i in range(len(partnerships))
    ]
    sources, spans = _sources(seed, scale, partnerships, share, cases_of)

    def coding_rows() -> Iterator[tuple[Any, ...]]:
        for source, offsets in zip(sources, spans, strict=True):
            codes = codes_of[source.partnership_id]
            rng = rng_for(seed, "codings", source.guid)
            for start, end in offsets:
                code = rng.choice(codes)
                yield (source.pk, code.pk, start, end, "", uuid_from(rng), _now())

    total = sum(share)
    written = copy_rows(
        Coding,
        ["source_id", "code_id", "start", "end", "memo", "guid", "created_at"],
        coding_rows(),
        lambda done: progress("codings", done, total),
    )
    quotes = _quotes(seed, partnerships, recommendations, users)
    return {
        "sources": len(sources),
        "codes": sum(len(c) for c in codes_of.values()),
        "codings": written,
        "quotes": quotes,
    }


def _codebooks(
    seed: int, partnerships: list[Partnership], recommendations: dict[int, list[Recommendation]]
) -> dict[int, list[Code]]:
    """Each partnership's codebook of themes and codes, the codes linked to recommendations;
    returns the codes that codings use, by partnership."""
    codes_of: dict[int, list[Code]] = {}
    for p in partnerships:
        rng = rng_for(seed, "codebook", p.slug)
        parents = Code.objects.bulk_create(
            Code(partnership=p, name=theme, description="Synthetic theme.", guid=uuid_from(rng))
            for theme in THEMES
        )
        children = Code.objects.bulk_create(
            Code(
                partnership=p,
                parent=parent,
                name=name,
                description="Synthetic code.",
                guid=uuid_from(rng),
            )
            for parent in parents
            for name in THEMES[parent.name]
        )
        codes_of[p.pk] = children
        recs = recommendations[p.pk]
        Code.recommendations.through.objects.bulk_create(
            Code.recommendations.through(code_id=c.pk, recommendation_id=recs[i % len(recs)].pk)
            for i, c in enumerate(children)
        )
    return codes_of


def _cases(seed: int, partnerships: list[Partnership]) -> dict[int, list[Case]]:
    """Twelve synthetic respondents a partnership, in groups."""
    cases = Case.objects.bulk_create(
        Case(
            partnership=p,
            name=f"Synthetic respondent {n + 1}",
            attributes={RESPONDENT_GROUP: GROUPS[n % len(GROUPS)]},
            guid=uuid_from(rng_for(seed, "case", p.slug, n)),
        )
        for p in partnerships
        for n in range(12)
    )
    cases_of: dict[int, list[Case]] = {}
    for case in cases:
        cases_of.setdefault(case.partnership_id, []).append(case)
    return cases_of


def _sources(
    seed: int,
    scale: Scale,
    partnerships: list[Partnership],
    share: list[int],
    cases_of: dict[int, list[Case]],
) -> tuple[list[Source], list[list[tuple[int, int]]]]:
    """Each partnership's sources, holding its share of the codings' sentences; returns the
    saved sources and, for each, the sentences' (start, end) offsets."""
    sources: list[Source] = []
    spans: list[list[tuple[int, int]]] = []
    for p, wanted in zip(partnerships, share, strict=True):
        per_source = -(-wanted // scale.sources_per_partnership) if wanted else 0
        for n in range(scale.sources_per_partnership):
            count = min(per_source, wanted - n * per_source)
            if count <= 0:
                break
            rng = rng_for(seed, "source", p.slug, n)
            text, offsets = _text(rng, count)
            sources.append(
                Source(
                    partnership=p,
                    title=f"Synthetic {KINDS[n % len(KINDS)].label.lower()} {n + 1} (fictional)",
                    kind=KINDS[n % len(KINDS)],
                    text=text,
                    collected_on=datetime.date(scale.first_year + scale.years - 2, 1 + n % 12, 1),
                    is_illustrative=True,
                    case=cases_of[p.pk][n % len(cases_of[p.pk])],
                    guid=uuid_from(rng),
                    memo="Synthetic: no real person's words.",
                )
            )
            spans.append(offsets)
    Source.objects.bulk_create(sources, batch_size=500)
    return sources, spans


_NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _now() -> datetime.datetime:
    return _NOW


def _text(rng: Any, count: int) -> tuple[str, list[tuple[int, int]]]:
    """Normalised text of ``count`` sentences, one a line, and each sentence's span (code
    points)."""
    lines = [_sentence(rng) for _ in range(count)]
    text = unicodedata.normalize("NFC", "\n".join(lines))
    offsets = []
    at = 0
    for line in lines:
        offsets.append((at, at + len(line)))
        at += len(line) + 1
    return text, offsets


def _quotes(
    seed: int,
    partnerships: list[Partnership],
    recommendations: dict[int, list[Recommendation]],
    users: dict[int, dict[str, User]],
) -> int:
    """For each recommendation, four approved quotes of passages coded with one of its codes
    (the first with the word "someone" hidden as [name]), and one proposed."""
    made = 0
    for p in partnerships:
        lead = users[p.pk]["lead"]
        for r in recommendations[p.pk]:
            rng = rng_for(seed, "quotes", p.slug, r.number)
            codings = list(
                Coding.objects.filter(code__recommendations=r, source__partnership=p)
                .select_related("source")
                .order_by("source__guid", "start")[:200]
            )
            chosen = rng.sample(codings, min(5, len(codings)))
            quotes = []
            for k, coding in enumerate(chosen):
                excerpt = coding.excerpt
                at = excerpt.find("someone")
                redactions = [[at, at + len("someone"), "name"]] if k == 0 and at >= 0 else []
                approved = k < 4
                quotes.append(
                    Quote(
                        coding=coding,
                        redactions=redactions,
                        status=Quote.Status.APPROVED if approved else Quote.Status.PROPOSED,
                        proposed_by=lead,
                        approved_by=lead if approved else None,
                        approved_at=_NOW if approved else None,
                    )
                )
            Quote.objects.bulk_create(quotes)
            Quote.recommendations.through.objects.bulk_create(
                Quote.recommendations.through(quote_id=q.pk, recommendation_id=r.pk) for q in quotes
            )
            made += len(quotes)
    return made


def evidence_fingerprint(partnerships: QuerySet[Partnership]) -> str:
    """A digest of the synthetic evidence's content (see ``national.fingerprint``)."""
    digest = hashlib.sha256()
    rows: list[Any] = [
        Code.objects.filter(partnership__in=partnerships)
        .order_by("partnership__slug", "guid")
        .values_list(
            "partnership__slug", "parent__name", "name", "guid", "recommendations__number"
        ),
        Case.objects.filter(partnership__in=partnerships)
        .order_by("partnership__slug", "name")
        .values_list("partnership__slug", "name", "attributes", "guid"),
        Source.objects.filter(partnership__in=partnerships)
        .order_by("partnership__slug", "guid")
        .values_list("partnership__slug", "title", "kind", "text", "case__name", "guid"),
        Coding.objects.filter(source__partnership__in=partnerships)
        .order_by("guid")
        .values_list("source__guid", "code__guid", "start", "end", "guid")
        .iterator(chunk_size=20_000),
        Quote.objects.filter(coding__source__partnership__in=partnerships)
        .order_by("coding__guid", "recommendations__number")
        .values_list("coding__guid", "redactions", "status", "recommendations__number"),
    ]
    for query in rows:
        for row in query:
            digest.update(repr(row).encode())
    return digest.hexdigest()
