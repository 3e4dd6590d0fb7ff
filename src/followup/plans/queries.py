"""Every read of the improvement plan, scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404

from followup.inspections.models import Recommendation
from followup.partnerships.access import AnyUser, Capability, members_holding, partnership_for
from followup.partnerships.models import Organisation, Partnership
from followup.plans import ratings
from followup.plans.cycle import OUTSTANDING
from followup.plans.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    UpdateDecision,
    UpdateFile,
    UpdateRequest,
)
from followup.web.forms import MAX_ID
from followup.web.paging import whole_number

# Only an accepted update is the action's progress: it changes the status, and it alone is shown
# as the latest update on the plan, the recommendation and review pages, the exports and reports.
ACCEPTED = Q(decision__outcome=UpdateDecision.Outcome.ACCEPTED)


def accepted_updates() -> QuerySet[ActionUpdate]:
    """Accepted updates, newest first (by the day they describe, then as written); narrow them
    to actions the caller may see."""
    return ActionUpdate.objects.filter(ACCEPTED).order_by("-on", "-id")


def latest_accepted(action_ids: list[int]) -> dict[int, ActionUpdate]:
    """The latest accepted update of each of these actions (those with one); the caller passes
    ids of actions it may see."""
    latest: dict[int, ActionUpdate] = {}
    for update in accepted_updates().filter(action_id__in=action_ids):
        latest.setdefault(update.action_id, update)
    return latest


def actions_of(partnership: Partnership) -> QuerySet[Action]:
    """A partnership's actions, each with its accepted updates newest first
    (``accepted_updates``); call only with a partnership from ``partnership_for``."""
    return (
        Action.objects.filter(partnership=partnership)
        .select_related("owner_organisation")
        .prefetch_related(
            "recommendations",
            Prefetch("updates", queryset=accepted_updates(), to_attr="accepted_updates"),
        )
    )


def action_for(user: AnyUser, slug: str, pk: int) -> Action:
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        actions_of(partnership).prefetch_related("recommendations__inspection"), pk=pk
    )


@dataclass
class PlanSummary:
    """What the plan's health (``plans.health``) does not say: the open actions past their due
    date, and whether the plan holds illustrative actions. Counts by status are the health's."""

    overdue: list[Action]
    illustrative: bool


def plan_summary(partnership: Partnership, today: datetime.date | None = None) -> PlanSummary:
    today = today or datetime.date.today()
    overdue = list(
        Action.objects.filter(partnership=partnership, due_date__lt=today)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("owner_organisation")
        .order_by("due_date", "pk")
    )
    return PlanSummary(
        overdue=overdue,
        illustrative=Action.objects.filter(partnership=partnership, is_illustrative=True).exists(),
    )


# An open action with no update for longer than this is marked "no update for N days". The plan
# is reported to the chief officers' group each quarter, so an action nobody has updated for more
# than a quarter (90 days) has missed a reporting round. A constant, not a setting: it is the
# reporting rhythm of the plan, the same for every partnership, and the page says what it is.
STALE_AFTER_DAYS = 90

PLAN_SORTS = {
    "due": "Due date",
    "recommendation": "Recommendation",
    "owner": "Owner",
    "status": "Status",
    "rating": "Latest rating",
    "updated": "Last update, oldest first",
}


@dataclass(frozen=True)
class PlanFilters:
    """What the plan is narrowed to and sorted by, from the page's GET parameters; anything
    not understood is left out (all actions, sorted by due date)."""

    recommendation: int | None = None
    owner: int | None = None
    status: str = ""
    rating: str = ""
    sort: str = "due"

    def chosen(self) -> dict[str, str]:
        """The filters as the page's controls hold them."""
        return {
            "recommendation": "" if self.recommendation is None else str(self.recommendation),
            "owner": "" if self.owner is None else str(self.owner),
            "status": self.status,
            "rating": self.rating,
            "sort": self.sort,
        }

    def is_filtered(self) -> bool:
        return bool(self.recommendation or self.owner or self.status or self.rating)


def plan_filters(params: Mapping[str, str]) -> PlanFilters:
    """Read the filters from GET parameters, keeping only the values that mean something."""
    status = params.get("status", "")
    rating = params.get("rating", "")
    sort = params.get("sort", "")
    return PlanFilters(
        recommendation=whole_number(params.get("recommendation", ""), MAX_ID),
        owner=whole_number(params.get("owner", ""), MAX_ID),
        status=status if status in ActionStatus.values else "",
        rating=rating if rating in ratings.LABELS else "",
        sort=sort if sort in PLAN_SORTS else "due",
    )


@dataclass
class PlanRow:
    action: Action
    latest: ActionUpdate | None
    stale_days: int | None  # days since the last update (or since it was added), when stale

    @property
    def rating(self) -> str:
        """The action's rating (``followup.plans.ratings``), as the plan's summary counts it."""
        return ratings.rating_of(self.action.status, self.latest.rating if self.latest else None)

    @property
    def rating_label(self) -> str:
        return ratings.LABELS[self.rating]


def _stale_days(action: Action, latest: ActionUpdate | None, today: datetime.date) -> int | None:
    """Days since the action was last updated (or added, if never), when that is more than
    ``STALE_AFTER_DAYS`` and the action is still open; None otherwise."""
    if action.status in CLOSED_STATUSES:
        return None
    last = latest.on if latest else action.created_at.date()
    days = (today - last).days
    return days if days > STALE_AFTER_DAYS else None


def plan_actions(partnership: Partnership, filters: PlanFilters) -> QuerySet[Action]:
    """A partnership's actions as its plan page lists them: filtered and sorted, each with its
    accepted updates (``accepted_updates``, to ``accepted_updates``), its rating and its latest
    update's day; ties are broken by the due date, then the id. Call only with a partnership
    from ``partnership_for``."""
    latest = accepted_updates().filter(action=OuterRef("pk"))
    actions = (
        actions_of(partnership)
        .annotate(
            latest_rating=Subquery(latest.values("rating")[:1]),
            latest_on=Subquery(latest.values("on")[:1]),
            first_recommendation=Min("recommendations__number"),
        )
        .annotate(rating=ratings.rating_expression("latest_rating"))
    )
    if filters.recommendation is not None:
        actions = actions.filter(
            pk__in=Action.objects.filter(
                partnership=partnership, recommendations__pk=filters.recommendation
            ).values("pk")
        )
    if filters.owner is not None:
        actions = actions.filter(owner_organisation_id=filters.owner)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.rating:
        actions = actions.filter(rating=filters.rating)
    return actions.order_by(*_plan_order(filters.sort))


def plan_rows(
    partnership: Partnership, filters: PlanFilters, today: datetime.date | None = None
) -> list[PlanRow]:
    """A partnership's plan as its page and exports show it: filtered, sorted, each action with
    its latest accepted update; call only with a partnership from ``partnership_for``."""
    today = today or datetime.date.today()
    rows = []
    for action in plan_actions(partnership, filters):
        accepted = action.accepted_updates  # type: ignore[attr-defined]  # the prefetch's
        update = next(iter(accepted), None)
        rows.append(PlanRow(action, update, _stale_days(action, update, today)))
    return rows


def _plan_order(sort: str) -> list[Any]:
    """The ORDER BY of a sort; ties fall back on the due date, then on the order actions were
    added, so the order is the same every time."""
    due = [F("due_date").asc(nulls_last=True), "pk"]
    if sort == "recommendation":
        return [F("first_recommendation").asc(nulls_last=True), *due]
    if sort == "owner":
        return [F("owner_organisation__name").asc(nulls_last=True), *due]
    if sort == "status":
        order = Case(
            *(When(status=s, then=Value(i)) for i, s in enumerate(ActionStatus.values)),
            output_field=IntegerField(),
        )
        return [order, *due]
    if sort == "rating":
        order = Case(
            *(When(rating=r, then=Value(i)) for i, r in enumerate(ratings.WORST_FIRST)),
            default=Value(len(ratings.WORST_FIRST)),
            output_field=IntegerField(),
        )
        return [order, *due]
    if sort == "updated":
        return [F("latest_on").asc(nulls_first=True), *due]
    return due


def plan_choices(partnership: Partnership) -> dict[str, list[tuple[str, str]]]:
    """The options of the plan's filters: the recommendations the partnership's actions answer
    and the organisations that own its actions, the statuses and the ratings."""
    recommendations = (
        Recommendation.objects.filter(actions__partnership=partnership)
        .distinct()
        .order_by("inspection_id", "number", "pk")
    )
    owners = (
        Organisation.objects.filter(actions__partnership=partnership)
        .distinct()
        .order_by("name", "pk")
    )
    return {
        "recommendation": [(str(r.pk), f"{r.number}. {r.text}") for r in recommendations],
        "owner": [(str(o.pk), o.name) for o in owners],
        "status": [(s.value, s.label) for s in ActionStatus],
        "rating": ratings.RATINGS,
        "sort": list(PLAN_SORTS.items()),
    }


# Updates: the action page's timeline, deciding, files, requests ----------------------------------


def updates_of(action: Action) -> QuerySet[ActionUpdate]:
    """Every update of an action the caller may see, accepted, waiting or returned, newest
    first, with its decision, its files and the update revising it."""
    return (
        ActionUpdate.objects.filter(action=action)
        .select_related("decision", "revises", "request__round")
        .prefetch_related("files", "revisions")
        .order_by("-on", "-id")
    )


def updates_written_since(
    user: AnyUser, slug: str, since: datetime.datetime | None = None
) -> QuerySet[ActionUpdate]:
    """Every update of the partnership's actions, accepted, waiting or returned, in the order
    they last changed (``changed_at``: written, or accepted or returned since), ties by id;
    only those that changed at or after ``since`` if given: what a system that keeps a copy of
    the plan reads to catch up, new updates and decisions on older ones alike."""
    partnership = partnership_for(user, slug)
    updates = (
        ActionUpdate.objects.filter(action__partnership=partnership)
        .select_related("decision")
        .annotate(changed_at=Greatest("created_at", Coalesce("decision__made_at", "created_at")))
    )
    if since is not None:
        updates = updates.filter(changed_at__gte=since)
    return updates.order_by("changed_at", "id")


def update_for(user: AnyUser, slug: str, pk: int) -> ActionUpdate:
    """An update of an action of a partnership the user may see; 404 otherwise."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        ActionUpdate.objects.select_related("action__partnership", "decision").prefetch_related(
            "files"
        ),
        pk=pk,
        action__partnership=partnership,
    )


def waiting_of(partnership: Partnership) -> QuerySet[ActionUpdate]:
    """A partnership's updates waiting for acceptance, oldest first; call only with a
    partnership from ``partnership_for``."""
    return (
        ActionUpdate.objects.filter(action__partnership=partnership, decision__isnull=True)
        .select_related("action", "revises__decision", "request__round")
        .prefetch_related("files")
        .order_by("created_at", "id")
    )


def update_file_for(user: AnyUser, slug: str, pk: int) -> UpdateFile:
    """A file of an update of a partnership the user may see; 404 otherwise."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(UpdateFile, pk=pk, update__action__partnership=partnership)


def _asked_id(value: str | None) -> int | None:
    """The id a link or a hidden field names; 404 for one that is not an id at all."""
    if value in (None, ""):
        return None
    found = whole_number(value or "", MAX_ID)
    if found is None:
        raise Http404("No such page.")
    return found


def request_of(action: Action, value: str | None) -> UpdateRequest | None:
    """The update request a link names (``?request=``), if it is this action's; 404 if it is
    not; None when none is named. ``action`` comes from ``action_for``."""
    pk = _asked_id(value)
    if pk is None:
        return None
    return get_object_or_404(UpdateRequest.objects.select_related("round"), pk=pk, action=action)


def answering(
    action: Action, request: UpdateRequest | None, revises: ActionUpdate | None
) -> tuple[UpdateRequest | None, ActionUpdate | None]:
    """The request a new update of the action answers, and the returned update it revises.

    The request named (by a link's ``?request=``), else the revised update's, while it is still
    open and its round the action's latest; a request accepted or closed (no longer asked: the
    action is complete, say), or one a later round has asked again, is never answered again, so
    the action's request still waiting, if any, is answered instead. Without a returned update named, one whose request it answers was returned
    is revised."""
    named = request if request is not None else (revises.request if revises else None)
    if named is None or not _answerable(named):
        named = waiting_request(action)
    if revises is None and named is not None:
        revises = returned_of(named)
    return named, revises


def _answerable(request: UpdateRequest) -> bool:
    """Still open, and no later round has asked the action again."""
    if request.state in (UpdateRequest.State.ACCEPTED, UpdateRequest.State.CLOSED):
        return False
    return not UpdateRequest.objects.filter(
        action_id=request.action_id, round__due_on__gt=request.round.due_on
    ).exists()


def is_revised(update: ActionUpdate) -> bool:
    return ActionUpdate.objects.filter(revises=update).exists()


def waiting_request(action: Action) -> UpdateRequest | None:
    """The action's update request still waiting for its update (pending, or its update
    returned), of the latest round: the one an update added from the action's page answers."""
    return (
        UpdateRequest.objects.select_related("round")
        .filter(action=action, state__in=OUTSTANDING)
        .order_by("-round__due_on", "-id")
        .first()
    )


def returned_of(request: UpdateRequest) -> ActionUpdate | None:
    """The request's returned update not yet revised, if its update was returned: the one a new
    update answering the request revises."""
    if request.state != UpdateRequest.State.RETURNED:
        return None
    return (
        ActionUpdate.objects.select_related("decision", "request__round")
        .filter(
            request=request,
            decision__outcome=UpdateDecision.Outcome.RETURNED,
            revisions__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def revisable_of(
    action: Action, value: str | None, *, unrevised: bool = True
) -> ActionUpdate | None:
    """The returned update a link names (``?revises=``), if it is this action's, returned and
    (``unrevised``) not yet revised; 404 otherwise; None when none is named. A form sent again
    names one its first sending revised: it is found, to be told it was saved."""
    pk = _asked_id(value)
    if pk is None:
        return None
    returned = ActionUpdate.objects.select_related("decision", "request__round").filter(
        action=action, decision__outcome=UpdateDecision.Outcome.RETURNED
    )
    if unrevised:
        returned = returned.filter(revisions__isnull=True)
    return get_object_or_404(returned, pk=pk)


def askable(partnership: Partnership) -> QuerySet[User]:
    """The partnership's members who may add updates: those an action's updates can be asked
    of (its ``lead_user``)."""
    holding = members_holding(Capability.UPDATE_ACTION).filter(partnership=partnership)
    return User.objects.filter(pk__in=holding.values("user_id")).order_by("username")
