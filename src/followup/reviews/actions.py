"""Every write to progress reviews and their judgements."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
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


def update_review(
    user: AnyUser, review: ProgressReview, data: dict[str, Any], *, version: str | None = None
) -> ProgressReview:
    """Change a review; ``version`` is the edit form's (see ``audit.writes.update``)."""
    partnership = review.inspection.partnership
    require(user, partnership, Capability.EDIT_REVIEW)
    with transaction.atomic():
        return writes.update(
            user,
            "review.update",
            review,
            partnership,
            {k: data[k] for k in REVIEW_FIELDS if k in data},
            version=version,
        )


def set_judgement(
    user: AnyUser,
    review: ProgressReview,
    recommendation: Recommendation,
    data: dict[str, Any],
    *,
    version: str | None = None,
) -> RecommendationProgress:
    """Record or change the review's judgement of one recommendation. The review's row is
    locked while the judgement is read and written, so two first judgements cannot both be
    made; ``version`` is the form's, refused if the judgement was made or changed since.
    A first judgement with nothing in it is not recorded."""
    partnership = review.inspection.partnership
    require(user, partnership, Capability.EDIT_REVIEW)
    if recommendation.inspection_id != review.inspection_id:
        raise ValidationError("The recommendation is not from the inspection under review.")
    level = data.get("level")
    if level is not None and level not in {lv["value"] for lv in review.progress_scale}:
        raise ValidationError({"level": "Choose a level on the review's progress scale."})
    fields = {k: data[k] for k in JUDGEMENT_FIELDS if k in data}
    with transaction.atomic():
        writes.lock(review)
        existing = RecommendationProgress.objects.filter(
            review=review, recommendation=recommendation
        ).first()
        if version is not None:
            submitted = writes.state_of_values(RecommendationProgress, fields)
            writes.check_new(version, RecommendationProgress, existing, submitted)
        if existing is None:
            blank = RecommendationProgress(review=review, recommendation=recommendation)
            judgement = RecommendationProgress(
                review=review, recommendation=recommendation, **fields
            )
            if writes.state(judgement, fields) == writes.state(blank, fields):
                return judgement  # an empty form leaves the recommendation not judged yet
            return writes.create(user, "judgement.create", judgement, partnership)
        return writes.update(user, "judgement.update", existing, partnership, fields)
