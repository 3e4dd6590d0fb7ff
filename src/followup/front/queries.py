"""Reads for the composed pages: a partnership's home page and the recommendation page, scoped
to what the user may see through ``partnerships.access``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    Prefetch,
    QuerySet,
)
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format

from followup.evidence.models import Source, redacted
from followup.evidence.queries import quotes_of
from followup.front import search
from followup.indicators.models import Indicator
from followup.inspections.models import Inspection, Recommendation
from followup.inspections.queries import inspections_of
from followup.partnerships.access import (
    AnyUser,
    Capability,
    can,
    capabilities,
    partnership_for,
)
from followup.partnerships.models import Partnership
from followup.plans.health import PlanHealth, plan_health
from followup.plans.models import Action, ActionUpdate
from followup.plans.queries import PlanSummary, accepted_updates, plan_summary
from followup.reviews.models import ProgressReview, RecommendationProgress
from followup.reviews.queries import latest_review


@dataclass
class PartnershipHome:
    partnership: Partnership
    capabilities: frozenset[Capability]
    inspections: list[Inspection]
    plan: PlanSummary
    health: PlanHealth
    latest_review: ProgressReview | None
    # Whether the partnership has published a report (its public page exists).
    has_published: bool


def partnership_home(user: AnyUser, slug: str) -> PartnershipHome:
    partnership = partnership_for(user, slug)
    return PartnershipHome(
        partnership=partnership,
        capabilities=capabilities(user, partnership),
        inspections=list(inspections_of(partnership)),
        plan=plan_summary(partnership),
        health=plan_health(partnership),
        latest_review=latest_review(partnership),
        has_published=partnership.publications.exists(),
    )


def recommendations_by_inspection(partnership: Partnership) -> list[Inspection]:
    """The partnership's inspections, newest first, each with its recommendations in number order,
    their actions counted and their progress judgements (oldest review first); call only with a
    partnership from ``partnership_for``."""
    recommendations = (
        Recommendation.objects.annotate(action_count=Count("actions"))
        .prefetch_related(
            Prefetch(
                "progress_judgements",
                queryset=RecommendationProgress.objects.select_related("review").order_by(
                    "review__published_on", "review__fieldwork_start", "review_id"
                ),
            )
        )
        .order_by("number")
    )
    inspections = list(
        inspections_of(partnership).prefetch_related(
            Prefetch("recommendations", queryset=recommendations)
        )
    )
    for inspection in inspections:
        for recommendation in inspection.recommendations.all():
            judgements = list(recommendation.progress_judgements.all())
            latest = judgements[-1] if judgements else None
            recommendation.latest_judgement = latest  # type: ignore[attr-defined]  # for the page

    return inspections


def recommendation_page(user: AnyUser, slug: str, pk: int) -> Recommendation:
    """A recommendation with what its page shows: its quality indicators, its actions with their
    owners and accepted updates (newest first) and the progress judgements on it."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Recommendation.objects.select_related("inspection__partnership").prefetch_related(
            "quality_indicators",
            Prefetch("actions__updates", queryset=accepted_updates(), to_attr="accepted_updates"),
            "actions__owner_organisation",
            "progress_judgements__review",
        ),
        pk=pk,
        inspection__partnership=partnership,
    )


@dataclass
class Found:
    title: str
    url: str
    snippet: str
    note: str = ""


@dataclass
class FoundKind:
    kind: str
    key: str
    count: int
    items: list[Found]


SHOWN_PER_KIND = 20


def _kind(kind: str, key: str, query: QuerySet[Any], to_found: Callable[[Any], Found]) -> FoundKind:
    return FoundKind(kind, key, query.count(), [to_found(row) for row in query[:SHOWN_PER_KIND]])


def _plan_kinds(
    partnership: Partnership, words: list[str], at: Callable[..., str]
) -> list[FoundKind]:
    """The recommendations, actions and action updates that hold every word."""
    return [
        _kind(
            "Recommendations",
            "recommendations",
            search.matching(
                Recommendation.objects.filter(inspection__partnership=partnership).select_related(
                    "inspection"
                ),
                words,
            ),
            lambda r: Found(
                f"Recommendation {r.number}",
                at("front:recommendation", r.pk),
                search.snippet(f"{r.text} {r.detail}", words),
                r.inspection.title,
            ),
        ),
        _kind(
            "Actions",
            "actions",
            search.matching(Action.objects.filter(partnership=partnership), words),
            lambda a: Found(
                a.title,
                at("plans:detail", a.pk),
                search.snippet(a.description or a.title, words),
                a.get_status_display(),
            ),
        ),
        _kind(
            "Action updates",
            "updates",
            search.matching(
                ActionUpdate.objects.filter(action__partnership=partnership).select_related(
                    "action"
                ),
                words,
            ),
            lambda u: Found(
                u.action.title,
                at("plans:detail", u.action_id),
                search.snippet(u.note, words),
                f"Update of {date_format(u.on, 'j F Y')}",
            ),
        ),
    ]


def search_partnership(user: AnyUser, slug: str, text: str) -> tuple[Partnership, list[FoundKind]]:
    """What a person may see in the partnership that holds every word of ``text``: actions,
    updates, recommendations, indicators, quotes and (for those who read evidence) sources, each
    kind best match first. Quotes are matched on their published words, approved ones only for
    those who may see approved quotes only."""
    partnership = partnership_for(user, slug)
    words = search.words_of(text)
    if not words:
        return partnership, []
    reads_evidence = can(user, partnership, Capability.READ_EVIDENCE)
    p = partnership.slug

    def at(name: str, *args: Any) -> str:
        return reverse(name, args=[p, *args])

    kinds = [
        *_plan_kinds(partnership, words, at),
        _kind(
            "Indicators",
            "indicators",
            search.matching(Indicator.objects.filter(partnership=partnership), words),
            lambda i: Found(
                i.name,
                at("indicators:detail", i.pk),
                search.snippet(i.description or i.name, words),
            ),
        ),
        _quotes(partnership, words, reads_evidence, at("evidence:quotes")),
    ]
    if reads_evidence:
        kinds.append(
            _kind(
                "Sources",
                "sources",
                search.matching(Source.objects.filter(partnership=partnership), words),
                lambda s: Found(
                    s.title,
                    at("evidence:source", s.pk),
                    search.snippet(s.text, words),
                    s.get_kind_display(),
                ),
            )
        )
    return partnership, kinds


def _quotes(partnership: Partnership, words: list[str], originals: bool, url: str) -> FoundKind:
    """Quotes whose published words (and, for those who read evidence, original words) hold
    every word. A quote's published words are worked out on reading, so they are matched here,
    by the database's full-text search, rather than held in an index."""
    quotes = (
        quotes_of(partnership, approved_only=not originals)
        .annotate(
            words=Substr(
                "coding__source__text",
                F("coding__start") + 1,
                F("coding__end") - F("coding__start"),
            )
        )
        .defer("coding__source__text")
    )
    published: dict[int, tuple[Any, str]] = {}
    for quote in quotes:
        text = redacted(quote.words, quote.redactions)
        published[quote.pk] = (quote, f"{text} {quote.words}" if originals else text)
    found = search.texts_matching({pk: body for pk, (_, body) in published.items()}, words)
    rows = sorted((published[pk][0] for pk in found), key=lambda q: -q.pk)
    return FoundKind(
        "Quotes",
        "quotes",
        len(rows),
        [
            Found(
                f"Quote: {q.coding.code.name}",
                url,
                search.snippet(redacted(q.words, q.redactions), words),
                q.get_status_display(),
            )
            for q in rows[:SHOWN_PER_KIND]
        ],
    )
