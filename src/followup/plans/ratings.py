"""An action's rating, one definition for every place that shows or counts it: the plan's
summary, the plan's filter and sort, and the progress pack.

An action's rating comes from its latest accepted update while the action is open; a closed
action's is its status ("Complete" or "Cancelled", whatever its last update said); an open
action with no accepted update has "No accepted update yet". Updates waiting for acceptance, or
returned, say nothing yet about the action."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce

from followup.plans.models import CLOSED_STATUSES, ActionStatus, ActionUpdate

NO_ACCEPTED_UPDATE = "none"
# Every rating, in the order a list of them is shown.
RATINGS: list[tuple[str, str]] = [
    *((r.value, str(r.label)) for r in ActionUpdate.Rating),
    (ActionStatus.COMPLETE.value, str(ActionStatus.COMPLETE.label)),
    (ActionStatus.CANCELLED.value, str(ActionStatus.CANCELLED.label)),
    (NO_ACCEPTED_UPDATE, "No accepted update yet"),
]
LABELS = dict(RATINGS)
# Worst first, for the plan's sort: an action off track is what a lead officer looks for.
WORST_FIRST = (
    ActionUpdate.Rating.OFF_TRACK.value,
    ActionUpdate.Rating.AT_RISK.value,
    NO_ACCEPTED_UPDATE,
    ActionUpdate.Rating.ON_TRACK.value,
    ActionStatus.COMPLETE.value,
    ActionStatus.CANCELLED.value,
)


def rating_of(status: str, latest_rating: str | None) -> str:
    """The rating (a key of ``LABELS``) of an action with this status whose latest accepted
    update has this rating (None: it has none)."""
    if status in CLOSED_STATUSES:
        return status
    return latest_rating if latest_rating in LABELS else NO_ACCEPTED_UPDATE


def label_of(status: str, latest_rating: str | None) -> str:
    return LABELS[rating_of(status, latest_rating)]


def rating_expression(latest_rating: str) -> Case:
    """``rating_of`` in SQL, over the field or annotation ``latest_rating`` of an action
    query: for filtering and sorting by the rating."""
    return Case(
        When(status__in=CLOSED_STATUSES, then=F("status")),
        default=Coalesce(F(latest_rating), Value(NO_ACCEPTED_UPDATE)),
        output_field=CharField(),
    )
