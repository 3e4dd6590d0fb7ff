"""Plan health: each action's latest rating and the days since its last accepted update, and the
plan's summary (actions by status and by rating, overdue update requests, actions with nobody
to ask for their updates). Only accepted updates count: an update waiting for acceptance, or
returned, says nothing yet about the action. Call only with a partnership from
``partnership_for``. Time is read through ``followup.lib.clock``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from followup.lib import clock
from followup.partnerships.models import Partnership
from followup.plans.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    UpdateDecision,
    UpdateRequest,
)

# An action's health, from its latest accepted update: its rating while it is open; a closed
# action's is its status (a complete action is "Complete", whatever its last rating was).
NO_ACCEPTED_UPDATE = "none"
HEALTH_RATINGS: list[tuple[str, str]] = [
    *((r.value, r.label) for r in ActionUpdate.Rating),
    (ActionStatus.COMPLETE.value, ActionStatus.COMPLETE.label),
    (ActionStatus.CANCELLED.value, ActionStatus.CANCELLED.label),
    (NO_ACCEPTED_UPDATE, "No accepted update yet"),
]
HEALTH_LABELS = dict(HEALTH_RATINGS)

# A request still waiting for its update: none sent yet, or the one sent was returned.
WAITING_STATES = (UpdateRequest.State.PENDING, UpdateRequest.State.RETURNED)

WITHOUT_OWNER_MEANING = (
    "An open action has nobody to ask for its updates when it has no lead person with an "
    "account in Followup and its owner organisation has no contact (or it has no owner "
    "organisation)."
)
OVERDUE_MEANING = (
    "An update request is overdue when its due date has passed and no update has been sent "
    "for it, or the update sent was returned."
)


def accepted_updates() -> QuerySet[ActionUpdate]:
    """Updates whose decision is "accepted": the only ones that speak for an action."""
    return ActionUpdate.objects.filter(decision__outcome=UpdateDecision.Outcome.ACCEPTED)


@dataclass(frozen=True)
class ActionHealth:
    rating: str  # a key of HEALTH_LABELS
    accepted_on: datetime.date | None  # the date of the latest accepted update
    days_since: int | None  # days from that date to today

    @property
    def label(self) -> str:
        return HEALTH_LABELS[self.rating]


def _health(
    status: str, rating: str | None, on: datetime.date | None, today: datetime.date
) -> ActionHealth:
    key = status if status in CLOSED_STATUSES else (rating or NO_ACCEPTED_UPDATE)
    return ActionHealth(key, on, (today - on).days if on is not None else None)


@dataclass
class PlanHealth:
    """The summary at the top of the plan and on the partnership's home page."""

    total: int
    open: int
    by_status: list[tuple[str, str, int]]
    by_rating: list[tuple[str, str, int]]
    overdue_requests: int
    without_owner: int
    today: datetime.date
    actions: dict[int, ActionHealth] = field(default_factory=dict)

    @property
    def without_owner_meaning(self) -> str:
        return WITHOUT_OWNER_MEANING

    @property
    def overdue_meaning(self) -> str:
        return OVERDUE_MEANING


def plan_health(partnership: Partnership, today: datetime.date | None = None) -> PlanHealth:
    """The plan's health, in two reads: the actions with their latest accepted update's rating
    and date, and the count of overdue update requests."""
    today = today or clock.today()
    latest = accepted_updates().filter(action=OuterRef("pk")).order_by("-on", "-id")
    rows = (
        Action.objects.filter(partnership=partnership)
        .annotate(
            accepted_rating=Subquery(latest.values("rating")[:1]),
            accepted_on=Subquery(latest.values("on")[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "status",
            "accepted_rating",
            "accepted_on",
            "lead_user_id",
            "owner_organisation__contact_id",
        )
    )
    actions: dict[int, ActionHealth] = {}
    statuses: dict[str, int] = {}
    without_owner = 0
    for pk, status, rating, on, lead, contact in rows:
        actions[pk] = _health(status, rating, on, today)
        statuses[status] = statuses.get(status, 0) + 1
        if lead is None and contact is None and status not in CLOSED_STATUSES:
            without_owner += 1
    ratings: dict[str, int] = {}
    for health in actions.values():
        ratings[health.rating] = ratings.get(health.rating, 0) + 1
    overdue = UpdateRequest.objects.filter(
        round__partnership=partnership, state__in=WAITING_STATES, round__due_on__lt=today
    ).count()
    return PlanHealth(
        total=len(actions),
        open=sum(n for s, n in statuses.items() if s not in CLOSED_STATUSES),
        by_status=[(s.value, s.label, statuses.get(s.value, 0)) for s in ActionStatus],
        by_rating=[(key, label, ratings.get(key, 0)) for key, label in HEALTH_RATINGS],
        overdue_requests=overdue,
        without_owner=without_owner,
        today=today,
        actions=actions,
    )
