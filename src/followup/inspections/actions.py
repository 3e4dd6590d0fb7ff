"""Every write to inspections, evaluations and recommendations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.frameworks.models import Framework, QualityIndicator
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

INSPECTION_FIELDS = (
    "title",
    "scope",
    "fieldwork_start",
    "fieldwork_end",
    "published_on",
    "status",
    "key_messages",
    "source_note",
)
EVALUATION_FIELDS = (
    "grade",
    "basis",
    "narrative",
    "strengths",
    "areas_for_improvement",
    "source_note",
)
RECOMMENDATION_FIELDS = ("number", "text", "detail", "source_note")
RECOMMENDATION_EDITS = (*RECOMMENDATION_FIELDS, "quality_indicators")


def _pick(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def create_inspection(
    user: AnyUser, partnership: Partnership, framework: Framework, data: dict[str, Any]
) -> Inspection:
    """Create an inspection; the framework's scale is copied into it, never referenced."""
    require(user, partnership, Capability.EDIT_INSPECTION)
    with transaction.atomic():
        inspection = Inspection(
            partnership=partnership,
            framework=framework,
            scale=list(framework.scale.levels),
            scale_name=framework.scale.name,
            **_pick(data, INSPECTION_FIELDS),
        )
        return writes.create(user, "inspection.create", inspection, partnership)


def update_inspection(
    user: AnyUser, inspection: Inspection, data: dict[str, Any], *, version: str | None = None
) -> Inspection:
    """Change an inspection; ``version`` is the edit form's (see ``audit.writes.update``)."""
    require(user, inspection.partnership, Capability.EDIT_INSPECTION)
    with transaction.atomic():
        return writes.update(
            user,
            "inspection.update",
            inspection,
            inspection.partnership,
            _pick(data, INSPECTION_FIELDS),
            version=version,
        )


def _check_grade(inspection: Inspection, grade: int | None) -> None:
    if grade is not None and grade not in {level["value"] for level in inspection.scale}:
        raise ValidationError(
            {"grade": f"Choose a grade on the inspection's scale ({inspection.scale_name})."}
        )


def create_evaluation(
    user: AnyUser, inspection: Inspection, indicator: QualityIndicator, data: dict[str, Any]
) -> Evaluation:
    require(user, inspection.partnership, Capability.EDIT_INSPECTION)
    if indicator.framework_id != inspection.framework_id or not indicator.assessable:
        raise ValidationError(
            {"quality_indicator": "Choose a quality indicator of this inspection's framework."}
        )
    _check_grade(inspection, data.get("grade"))
    with transaction.atomic():
        evaluation = Evaluation(
            inspection=inspection, quality_indicator=indicator, **_pick(data, EVALUATION_FIELDS)
        )
        return writes.create(user, "evaluation.create", evaluation, inspection.partnership)


def update_evaluation(
    user: AnyUser, evaluation: Evaluation, data: dict[str, Any], *, version: str | None = None
) -> Evaluation:
    inspection = evaluation.inspection
    require(user, inspection.partnership, Capability.EDIT_INSPECTION)
    _check_grade(inspection, data.get("grade"))
    with transaction.atomic():
        return writes.update(
            user,
            "evaluation.update",
            evaluation,
            inspection.partnership,
            _pick(data, EVALUATION_FIELDS),
            version=version,
        )


def _check_indicators(
    inspection: Inspection, indicators: Iterable[QualityIndicator]
) -> list[QualityIndicator]:
    chosen = list(indicators)
    if any(qi.framework_id != inspection.framework_id for qi in chosen):
        raise ValidationError(
            {"quality_indicators": "Choose quality indicators of this inspection's framework."}
        )
    return chosen


def create_recommendation(
    user: AnyUser, inspection: Inspection, data: dict[str, Any]
) -> Recommendation:
    require(user, inspection.partnership, Capability.EDIT_INSPECTION)
    indicators = _check_indicators(inspection, data.get("quality_indicators", []))
    with transaction.atomic():
        recommendation = Recommendation(inspection=inspection, **_pick(data, RECOMMENDATION_FIELDS))
        return writes.create(
            user,
            "recommendation.create",
            recommendation,
            inspection.partnership,
            m2m={"quality_indicators": indicators},
        )


def update_recommendation(
    user: AnyUser,
    recommendation: Recommendation,
    data: dict[str, Any],
    *,
    version: str | None = None,
) -> Recommendation:
    inspection = recommendation.inspection
    require(user, inspection.partnership, Capability.EDIT_INSPECTION)
    m2m = {}
    if "quality_indicators" in data:
        m2m["quality_indicators"] = _check_indicators(inspection, data["quality_indicators"])
    with transaction.atomic():
        return writes.update(
            user,
            "recommendation.update",
            recommendation,
            inspection.partnership,
            _pick(data, RECOMMENDATION_FIELDS),
            m2m=m2m,
            version=version,
        )
