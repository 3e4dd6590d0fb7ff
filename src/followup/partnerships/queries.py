"""Reads for the partnership home page."""

from __future__ import annotations

from dataclasses import dataclass

from followup.inspections.models import Inspection
from followup.inspections.queries import inspections_of
from followup.partnerships.access import AnyUser, Capability, capabilities, partnership_for
from followup.partnerships.models import Partnership
from followup.plans.queries import PlanSummary, plan_summary
from followup.reviews.models import ProgressReview
from followup.reviews.queries import latest_review


@dataclass
class PartnershipHome:
    partnership: Partnership
    capabilities: frozenset[Capability]
    inspections: list[Inspection]
    plan: PlanSummary
    latest_review: ProgressReview | None


def partnership_home(user: AnyUser, slug: str) -> PartnershipHome:
    partnership = partnership_for(user, slug)
    return PartnershipHome(
        partnership=partnership,
        capabilities=capabilities(user, partnership),
        inspections=list(inspections_of(partnership)),
        plan=plan_summary(partnership),
        latest_review=latest_review(partnership),
    )
