"""Every read of inspections, evaluations and recommendations, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Partnership


def inspections_of(partnership: Partnership) -> QuerySet[Inspection]:
    """A partnership's inspections; call only with a partnership from ``partnership_for``."""
    return Inspection.objects.filter(partnership=partnership).select_related("framework")


def _with_findings(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Inspections with their evaluations and recommendations, read in three queries more."""
    return inspections.prefetch_related(
        Prefetch(
            "evaluations",
            queryset=Evaluation.objects.select_related("quality_indicator__parent"),
        ),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.prefetch_related("quality_indicators", "actions"),
        ),
    )


def inspections_with_findings(user: AnyUser, slug: str) -> QuerySet[Inspection]:
    """The partnership's inspections, each with its evaluations and recommendations, the latest
    published first (as the partnership's pages list them), ties broken by id."""
    return _with_findings(inspections_of(partnership_for(user, slug)))


def inspection_for(user: AnyUser, slug: str, pk: int) -> Inspection:
    partnership = partnership_for(user, slug)
    return get_object_or_404(_with_findings(inspections_of(partnership)), pk=pk)


def evaluation_for(user: AnyUser, slug: str, pk: int) -> Evaluation:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Evaluation.objects.select_related("inspection__partnership", "quality_indicator"),
        pk=pk,
        inspection__partnership=partnership,
    )


def recommendation_for(user: AnyUser, slug: str, pk: int) -> Recommendation:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Recommendation.objects.select_related("inspection__partnership").prefetch_related(
            "quality_indicators"
        ),
        pk=pk,
        inspection__partnership=partnership,
    )
