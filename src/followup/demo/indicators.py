"""South Ayrshire's demo indicators: public statistics, linked to the five areas for improvement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from followup.indicators.actions import create_indicator
from followup.indicators.models import DataElement
from followup.inspections.models import Recommendation
from followup.partnerships.models import Area, Partnership

# code, name, numerator, unit, better, area, recommendation numbers, wellbeing, description
INDICATORS: list[tuple[str, str, str, str, str, str, list[int], list[str], str]] = [
    (
        "residential-share",
        "% of looked-after children in residential care",
        "looked_after_residential",
        "%",
        "decrease",
        "S12000028",
        [3],
        ["Safe", "Nurtured"],
        "Children looked after in residential care as a percentage of all children looked after (community plus residential) at 31 July.",
    ),
    (
        "residential-care",
        "Children looked after in residential care",
        "looked_after_residential",
        "children",
        "decrease",
        "S12000028",
        [3],
        ["Safe", "Nurtured"],
        "Children looked after in residential units, residential schools and secure care at 31 July.",
    ),
    (
        "community-care",
        "Children looked after in the community",
        "looked_after_community",
        "children",
        "neutral",
        "S12000028",
        [3],
        ["Nurtured"],
        "Children looked after at home, with kinship carers, foster carers or prospective adopters, or in other community settings, at 31 July.",
    ),
    (
        "balance-of-care",
        "Balance of care: % looked after in the community (LGBF CHN9)",
        "lgbf_chn9",
        "%",
        "increase",
        "S12000028",
        [3, 4],
        ["Nurtured", "Included"],
        "Of all children looked after at 31 July, the percentage looked after in the community rather than in residential care.",
    ),
    (
        "reregistrations",
        "Child protection re-registrations within 18 months (LGBF CHN22)",
        "lgbf_chn22",
        "%",
        "decrease",
        "S12000028",
        [5],
        ["Safe"],
        "Registrations on the child protection register within 18 months of a previous deregistration, as a percentage of all registrations.",
    ),
    (
        "placement-moves",
        "Looked-after children with more than one placement in the year (LGBF CHN23)",
        "lgbf_chn23",
        "%",
        "decrease",
        "S12000028",
        [4, 3],
        ["Nurtured", "Safe"],
        "The percentage of looked-after children who had more than one placement during the year.",
    ),
    (
        "scotland-looked-after",
        "Children looked after in Scotland (national context)",
        "looked_after_total",
        "children",
        "neutral",
        "S92000003",
        [3],
        ["Nurtured"],
        "Scotland's total, for context: South Ayrshire's own totals are published only in tables Followup could not read.",
    ),
    (
        "scotland-register",
        "Children on the child protection register in Scotland (national context)",
        "cp_register",
        "children",
        "neutral",
        "S92000003",
        [5],
        ["Safe"],
        "Scotland's total, for context.",
    ),
]


def create_demo_indicators(
    actor: User, partnership: Partnership, recommendations: dict[int, Recommendation]
) -> None:
    elements = {e.code: e for e in DataElement.objects.filter(partnership__isnull=True)}
    areas = {a.code: a for a in Area.objects.filter(code__in={row[5] for row in INDICATORS})}
    for code, name, numerator, unit, better, area, recs, wellbeing, description in INDICATORS:
        data: dict[str, Any] = {
            "code": code,
            "name": name,
            "description": description,
            "numerator": elements[numerator],
            "unit": unit,
            "improvement_direction": better,
            "frequency": elements[numerator].period_kind,
            "area": areas[area],
            "wellbeing": wellbeing,
            "source": elements[numerator].source,
            "recommendations": [recommendations[n] for n in recs],
        }
        if code == "residential-share":
            data["denominator"] = elements["looked_after_community_and_residential"]
            data["factor"] = 100
        create_indicator(actor, partnership, data)
