"""Plan health: each action's latest rating and the days since its last accepted update, and the
plan's summary (actions by status and by rating, overdue update requests, actions with nobody
to ask for their updates). Only accepted updates count: an update waiting for acceptance, or
returned, says nothing yet about the action. Call only with a partnership from
``partnership_for``. Time is read through ``followup.lib.clock``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery

from followup.lib import clock
from followup.partnerships.access import Capability, members_holding
from followup.partnerships.models import Partnership
from followup.plans import ratings
from followup.plans.cycle import OUTSTANDING
from followup.plans.models import CLOSED_STATUSES, Action, ActionStatus, UpdateRequest
from followup.plans.queries import accepted_updates

# An action's health, from its latest accepted update: its rating (``followup.plans.ratings``,
# the one definition the plan's filter and the progress pack use too).
HEALTH_RATINGS = ratings.RATINGS
HEALTH_LABELS = ratings.LABELS

WITHOUT_OWNER_MEANING = (
    "An open action has nobody to ask for its updates when neither its lead person nor its "
    "owner organisation's contact is a member of the partnership who may add updates: none is "
    "named, or the one named has no such membership today. Its update requests go to the lead "
    "officers instead."
)
OVERDUE_MEANING = (
    "An update request is overdue when its due date has passed and no update has been sent "
    "for it, or the update sent was returned."
)


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
    key = ratings.rating_of(status, rating)
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
    latest = accepted_updates().filter(action=OuterRef("pk"))
    updater = members_holding(Capability.UPDATE_ACTION).filter(partnership=OuterRef("partnership"))
    rows = (
        Action.objects.filter(partnership=partnership)
        .annotate(
            accepted_rating=Subquery(latest.values("rating")[:1]),
            accepted_on=Subquery(latest.values("on")[:1]),
            lead_asked=Exists(updater.filter(user=OuterRef("lead_user"))),
            contact_asked=Exists(updater.filter(user=OuterRef("owner_organisation__contact"))),
        )
        .order_by()
        .values_list(
            "pk",
            "status",
            "accepted_rating",
            "accepted_on",
            "lead_asked",
            "contact_asked",
        )
    )
    actions: dict[int, ActionHealth] = {}
    statuses: dict[str, int] = {}
    without_owner = 0
    for pk, status, rating, on, lead_asked, contact_asked in rows:
        actions[pk] = _health(status, rating, on, today)
        statuses[status] = statuses.get(status, 0) + 1
        if not (lead_asked or contact_asked) and status not in CLOSED_STATUSES:
            without_owner += 1
    ratings: dict[str, int] = {}
    for health in actions.values():
        ratings[health.rating] = ratings.get(health.rating, 0) + 1
    overdue = UpdateRequest.objects.filter(
        round__partnership=partnership, state__in=OUTSTANDING, round__due_on__lt=today
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
