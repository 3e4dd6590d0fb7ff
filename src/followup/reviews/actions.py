"""Every write to progress reviews and their judgements."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from followup.core import writes
from followup.inspections.models import Inspection, Recommendation
from followup.partnerships.access import AnyUser, Capability, require
from followup.reviews.models import (
    DEFAULT_PROGRESS_SCALE,
    PROGRESS_SCALE_NAME,
    ProgressReview,
    RecommendationProgress,
)

REVIEW_FIELDS = (
    "title",
    "fieldwork_start",
    "fieldwork_end",
    "published_on",
    "evidence_cutoff",
    "status",
    "overall_conclusion",
    "further_review_required",
    "further_review_note",
    "source_note",
)
JUDGEMENT_FIELDS = ("level", "narrative", "next_steps", "evidence", "source_note")


def create_review(user: AnyUser, inspection: Inspection, data: dict[str, Any]) -> ProgressReview:
    """Create a review; the progress scale is copied into it."""
    require(user, inspection.partnership, Capability.EDIT_REVIEW)
    with transaction.atomic():
        review = ProgressReview(
            inspection=inspection,
            progress_scale=copy.deepcopy(DEFAULT_PROGRESS_SCALE),
            progress_scale_name=PROGRESS_SCALE_NAME,
            **{k: data[k] for k in REVIEW_FIELDS if k in data},
        )
        return writes.create(user, "review.create", review, inspection.partnership)


def update_review(user: AnyUser, review: ProgressReview, data: dict[str, Any]) -> ProgressReview:
    partnership = review.inspection.partnership
    require(user, partnership, Capability.EDIT_REVIEW)
    with transaction.atomic():
        return writes.update(
            user,
            "review.update",
            review,
            partnership,
            {k: data[k] for k in REVIEW_FIELDS if k in data},
        )


def set_judgement(
    user: AnyUser, review: ProgressReview, recommendation: Recommendation, data: dict[str, Any]
) -> RecommendationProgress:
    """Record or change the review's judgement of one recommendation."""
    partnership = review.inspection.partnership
    require(user, partnership, Capability.EDIT_REVIEW)
    if recommendation.inspection_id != review.inspection_id:
        raise ValidationError("The recommendation is not from the inspection under review.")
    level = data.get("level")
    if level is not None and level not in {lv["value"] for lv in review.progress_scale}:
        raise ValidationError({"level": "Choose a level on the review's progress scale."})
    fields = {k: data[k] for k in JUDGEMENT_FIELDS if k in data}
    with transaction.atomic():
        existing = RecommendationProgress.objects.filter(
            review=review, recommendation=recommendation
        ).first()
        if existing is None:
            judgement = RecommendationProgress(
                review=review, recommendation=recommendation, **fields
            )
            return writes.create(user, "judgement.create", judgement, partnership)
        return writes.update(user, "judgement.update", existing, partnership, fields)
