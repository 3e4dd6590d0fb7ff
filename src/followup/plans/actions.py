"""Every write to the improvement plan."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.audit.log import diff, record, snapshot
from followup.inspections.models import Recommendation
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership
from followup.plans.models import Action, ActionUpdate

ACTION_FIELDS = (
    "title",
    "description",
    "owner_organisation",
    "lead_person",
    "start_date",
    "due_date",
    "status",
    "is_illustrative",
)
# What the edit form changes, and so what its version holds.
ACTION_EDITS = (*ACTION_FIELDS[:-1], "recommendations")


def _check(partnership: Partnership, data: dict[str, Any]) -> list[Recommendation]:
    organisation = data.get("owner_organisation")
    if organisation is not None and organisation.partnership_id != partnership.pk:
        raise ValidationError(
            {"owner_organisation": "Choose one of this partnership's organisations."}
        )
    recommendations = list(data.get("recommendations", []))
    if any(r.inspection.partnership_id != partnership.pk for r in recommendations):
        raise ValidationError(
            {"recommendations": "Choose recommendations made to this partnership."}
        )
    start, due = data.get("start_date"), data.get("due_date")
    if start and due and due < start:
        raise ValidationError({"due_date": "The due date must be on or after the start date."})
    return recommendations


def create_action(user: AnyUser, partnership: Partnership, data: dict[str, Any]) -> Action:
    require(user, partnership, Capability.EDIT_PLAN)
    recommendations = _check(partnership, data)
    with transaction.atomic():
        action = Action(partnership=partnership, **{k: data[k] for k in ACTION_FIELDS if k in data})
        return writes.create(
            user, "action.create", action, partnership, m2m={"recommendations": recommendations}
        )


def update_action(
    user: AnyUser, action: Action, data: dict[str, Any], *, version: str | None = None
) -> Action:
    """Change an action; ``version`` is the edit form's (see ``audit.writes.update``)."""
    require(user, action.partnership, Capability.EDIT_PLAN)
    recommendations = _check(action.partnership, data)
    m2m = {"recommendations": recommendations} if "recommendations" in data else {}
    with transaction.atomic():
        return writes.update(
            user,
            "action.update",
            action,
            action.partnership,
            {k: data[k] for k in ACTION_FIELDS if k in data},
            m2m=m2m,
            version=version,
        )


def add_update(user: AnyUser, action: Action, data: dict[str, Any]) -> ActionUpdate:
    """Append an update; the action takes the update's status. Updates are never edited.
    The action's row is read under lock, so two updates added at once record its status
    change once, in the order they were written."""
    require(user, action.partnership, Capability.UPDATE_ACTION)
    with transaction.atomic():
        current = writes.lock(action)
        update = ActionUpdate(
            action=current,
            on=data["on"],
            status=data["status"],
            rating=data["rating"],
            note=data["note"],
            author_id=user.pk if isinstance(user, User) else None,
            author_name=user.get_username() if isinstance(user, User) else "",
        )
        writes.create(user, "action_update.create", update, action.partnership)
        latest = current.updates.order_by("-on", "-id").first()
        if latest is not None and latest.pk == update.pk and current.status != update.status:
            before = snapshot(current, ["status"])
            current.status = update.status
            current.save(update_fields=["status"])
            record(
                user,
                "action.update",
                current,
                diff(before, snapshot(current, ["status"])),
                action.partnership,
            )
        action.status = current.status
        return update
