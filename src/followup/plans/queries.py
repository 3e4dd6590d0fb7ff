"""Every read of the improvement plan, scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Partnership
from followup.plans.models import CLOSED_STATUSES, Action, ActionStatus, ActionUpdate


def actions_of(partnership: Partnership) -> QuerySet[Action]:
    """A partnership's actions; call only with a partnership from ``partnership_for``."""
    return (
        Action.objects.filter(partnership=partnership)
        .select_related("owner_organisation")
        .prefetch_related(
            "recommendations",
            Prefetch("updates", queryset=ActionUpdate.objects.order_by("-on", "-id")),
        )
    )


def action_for(user: AnyUser, slug: str, pk: int) -> Action:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        actions_of(partnership).prefetch_related("recommendations__inspection"), pk=pk
    )


@dataclass
class PlanSummary:
    total: int
    by_status: list[tuple[str, str, int]]
    overdue: list[Action]
    illustrative: bool


def plan_summary(partnership: Partnership, today: datetime.date | None = None) -> PlanSummary:
    today = today or datetime.date.today()
    counts = dict(
        Action.objects.filter(partnership=partnership)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    overdue = list(
        actions_of(partnership)
        .filter(due_date__lt=today)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("due_date")
    )
    return PlanSummary(
        total=sum(counts.values()),
        by_status=[(s.value, s.label, counts.get(s.value, 0)) for s in ActionStatus],
        overdue=overdue,
        illustrative=Action.objects.filter(partnership=partnership, is_illustrative=True).exists(),
    )
