"""Every read of progress reviews, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from followup.inspections.models import Recommendation
from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Partnership
from followup.reviews.models import ProgressReview, RecommendationProgress


def reviews_of(partnership: Partnership) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.filter(inspection__partnership=partnership).select_related(
        "inspection"
    )


def _with_judgements(reviews: QuerySet[ProgressReview]) -> QuerySet[ProgressReview]:
    return reviews.prefetch_related(
        Prefetch(
            "judgements",
            queryset=RecommendationProgress.objects.select_related("recommendation"),
        ),
        "inspection__recommendations",
    )


def reviews_with_judgements(user: AnyUser, slug: str) -> QuerySet[ProgressReview]:
    """The partnership's progress reviews, each with its judgements, the latest published
    first, ties broken by id."""
    return _with_judgements(reviews_of(partnership_for(user, slug)))


def review_for(user: AnyUser, slug: str, pk: int) -> ProgressReview:
    partnership = partnership_for(user, slug)
    return get_object_or_404(_with_judgements(reviews_of(partnership)), pk=pk)


def latest_review(partnership: Partnership) -> ProgressReview | None:
    return reviews_of(partnership).first()


def judgement_of(review: ProgressReview, recommendation: Recommendation) -> RecommendationProgress:
    """The review's judgement of the recommendation (both already read through the user's
    scope), or a new, unsaved one."""
    return RecommendationProgress.objects.filter(
        review=review, recommendation=recommendation
    ).first() or RecommendationProgress(review=review, recommendation=recommendation)
