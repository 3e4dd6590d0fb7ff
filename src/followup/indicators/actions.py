"""Every write to indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from followup.core import writes
from followup.indicators.models import WELLBEING, Indicator
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

FIELDS = (
    "code",
    "name",
    "description",
    "numerator",
    "denominator",
    "factor",
    "unit",
    "improvement_direction",
    "frequency",
    "source",
    "target",
    "chart",
    "area",
    "wellbeing",
    "is_illustrative",
)


def create_indicator(user: AnyUser, partnership: Partnership, data: dict[str, Any]) -> Indicator:
    require(user, partnership, Capability.MANAGE_DATA)
    unknown = [w for w in data.get("wellbeing", []) if w not in WELLBEING]
    if unknown:
        raise ValidationError(
            {"wellbeing": f"Choose from the eight wellbeing indicators, not {', '.join(unknown)}."}
        )
    for element in (data.get("numerator"), data.get("denominator")):
        if element is not None and element.partnership_id not in (None, partnership.pk):
            raise ValidationError(
                "Choose data elements that are official or this partnership's own."
            )
    recommendations = list(data.get("recommendations", []))
    if any(r.inspection.partnership_id != partnership.pk for r in recommendations):
        raise ValidationError(
            {"recommendations": "Choose recommendations made to this partnership."}
        )
    with transaction.atomic():
        indicator = Indicator(partnership=partnership, **{k: data[k] for k in FIELDS if k in data})
        return writes.create(
            user,
            "indicator.create",
            indicator,
            partnership,
            m2m={
                "recommendations": recommendations,
                "quality_indicators": list(data.get("quality_indicators", [])),
            },
        )
