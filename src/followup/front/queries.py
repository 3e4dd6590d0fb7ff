"""Reads for the composed pages: a partnership's home page and the recommendation page, scoped
to what the user may see through ``partnerships.access``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from followup.inspections.models import Inspection, Recommendation
from followup.inspections.queries import inspections_of
from followup.partnerships.access import AnyUser, Capability, capabilities, partnership_for
from followup.partnerships.models import Partnership
from followup.plans.models import ActionUpdate
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
    # Whether the partnership has published a report (its public page exists).
    has_published: bool


def partnership_home(user: AnyUser, slug: str) -> PartnershipHome:
    partnership = partnership_for(user, slug)
    return PartnershipHome(
        partnership=partnership,
        capabilities=capabilities(user, partnership),
        inspections=list(inspections_of(partnership)),
        plan=plan_summary(partnership),
        latest_review=latest_review(partnership),
        has_published=partnership.publications.exists(),
    )


def recommendation_page(user: AnyUser, slug: str, pk: int) -> Recommendation:
    """A recommendation with what its page shows: its quality indicators, its actions with their
    owners and updates (newest first) and the progress judgements on it."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Recommendation.objects.select_related("inspection__partnership").prefetch_related(
            "quality_indicators",
            Prefetch(
                "actions__updates",
                queryset=ActionUpdate.objects.order_by("-on", "-id"),
            ),
            "actions__owner_organisation",
            "progress_judgements__review",
        ),
        pk=pk,
        inspection__partnership=partnership,
    )
