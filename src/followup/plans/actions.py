"""Every write to the improvement plan."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.audit import writes
from followup.audit.log import diff, record, record_create, snapshot
from followup.inspections.models import Recommendation
from followup.lib import storedfiles
from followup.lib.dates import day_and_time
from followup.lib.uploads import UploadError
from followup.partnerships.access import AnyUser, Capability, can, require
from followup.partnerships.models import Partnership
from followup.plans import actions_cycle, files, queries
from followup.plans.models import (
    CLOSED_STATUSES,
    Action,
    ActionUpdate,
    UpdateDecision,
    UpdateFile,
    UpdateRequest,
)
from followup.plans.queries import askable

ACTION_FIELDS = (
    "title",
    "description",
    "owner_organisation",
    "lead_person",
    "lead_user",
    "start_date",
    "due_date",
    "status",
    "is_illustrative",
)
# What the edit form changes, and so what its version holds.
ACTION_EDITS = (*ACTION_FIELDS[:-1], "recommendations")


def _check(partnership: Partnership, data: dict[str, Any]) -> list[Recommendation]:
    lead_user = data.get("lead_user")
    if lead_user is not None and not askable(partnership).filter(pk=lead_user.pk).exists():
        raise ValidationError(
            {"lead_user": "Choose a member of this partnership who can add updates."}
        )
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
        changed = writes.update(
            user,
            "action.update",
            action,
            action.partnership,
            {k: data[k] for k in ACTION_FIELDS if k in data},
            m2m=m2m,
            version=version,
        )
        _close_when_closed(user, changed)
        return changed


def _close_when_closed(user: AnyUser, action: Action) -> None:
    """A complete or cancelled action is asked for no more updates."""
    if action.status in CLOSED_STATUSES:
        why = f"the action is {action.get_status_display().lower()}"
        actions_cycle.close_waiting(user, action.partnership, [action.pk], why)


# Updates and their sign-off ------------------------------------------------------------------
#
# An update is added waiting for acceptance, unless its author may accept updates (then it is
# accepted as it is written, by them). A lead officer or their delegate accepts it, or returns it
# with a reason; a returned update is revised by a new update. Only an accepted update changes
# the action's status. An update request's state is that of the latest update answering it:
# submitted while it waits, then returned or accepted.

Outcome = UpdateDecision.Outcome
State = UpdateRequest.State
FINAL = (State.ACCEPTED, State.CLOSED)
# What the audit log keeps of a file (with its stored name): not its contents.
FILE_FIELDS = (
    "update",
    "filename",
    "content_type",
    "size",
    "sha256",
    "added_by_id",
    "added_by_name",
)


def _author(user: AnyUser) -> tuple[int | None, str]:
    return (user.pk, user.get_username()) if isinstance(user, User) else (None, "")


def _answering(
    action: Action, request: UpdateRequest | None, revises: ActionUpdate | None
) -> tuple[UpdateRequest | None, ActionUpdate | None]:
    """The request the new update answers and the returned update it revises
    (``queries.answering``), after checking that those named are this action's."""
    if revises is not None and revises.action_id != action.pk:
        raise ValidationError("Only an update of this action can be revised here.")
    if request is not None and request.action_id != action.pk:
        raise ValidationError("This update request is for another action.")
    return queries.answering(action, request, revises)


def _check_revisable(revises: ActionUpdate) -> None:
    """Read under the action's lock: a returned update is revised once."""
    decision = UpdateDecision.objects.filter(update=revises).first()
    if decision is None or decision.outcome != Outcome.RETURNED:
        raise ValidationError("Only a returned update can be revised.")
    if ActionUpdate.objects.filter(revises=revises).exists():
        raise ValidationError(
            "This returned update has been revised already: see the action's updates. Send "
            "the form again to add yours as a new update."
        )


def _checked_files(data: dict[str, Any]) -> list[files.Checked]:
    try:
        return files.check_all(list(data.get("evidence") or []))
    except UploadError as error:
        raise ValidationError({"evidence": str(error)}) from None


def add_update(
    user: AnyUser,
    action: Action,
    data: dict[str, Any],
    *,
    request: UpdateRequest | None = None,
    revises: ActionUpdate | None = None,
) -> ActionUpdate:
    """Append an update, with its files (``data["evidence"]``: ``files.Upload``s), answering a
    request or revising a returned update. It waits for acceptance, unless its author may
    accept updates. Updates are never edited. Every file is checked before any is kept; if
    anything fails, no update and no file is kept."""
    require(user, action.partnership, Capability.UPDATE_ACTION)
    request, revises = _answering(action, request, revises)
    checked = _checked_files(data)
    author_id, author_name = _author(user)
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = writes.lock(action)
            if revises is not None:
                _check_revisable(revises)
            update = ActionUpdate(
                action=current,
                on=data["on"],
                status=data["status"],
                rating=data["rating"],
                note=data["note"],
                author_id=author_id,
                author_name=author_name,
                request=request,
                revises=revises,
            )
            writes.create(user, "action_update.create", update, action.partnership)
            for file in checked:
                _keep_file(user, update, file, stored)
            _request_follows(user, update, State.SUBMITTED)
            if can(user, action.partnership, Capability.ACCEPT_UPDATES):
                _decide(user, current, update, Outcome.ACCEPTED, "")
    except BaseException:  # nothing is added, so no file is kept
        storedfiles.delete_now(storedfiles.default(), stored)
        raise
    action.status = current.status
    return update


def _keep_file(user: AnyUser, update: ActionUpdate, file: files.Checked, stored: list[str]) -> None:
    """Store one checked file of a new update, with its row and audit entry; its stored name
    goes into ``stored`` as soon as it is written."""
    added_by_id, added_by_name = _author(user)
    row = UpdateFile(
        update=update,
        filename=file.filename,
        content_type=file.content_type,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
        added_by_id=added_by_id,
        added_by_name=added_by_name,
    )
    stored.append(storedfiles.save_new(row.file, file.filename, file.data))
    row.full_clean()
    row.save()
    changes = diff({}, snapshot(row, FILE_FIELDS))
    record(
        user,
        "update_file.create",
        row,
        {**changes, "file": [None, row.file.name]},
        update.action.partnership,
    )


def _request_follows(user: AnyUser, update: ActionUpdate, state: str) -> None:
    """Give the update's request the state of its latest update, when this is that update and
    the request is still open (an accepted or closed request is never reopened). A request
    whose update is returned after a later round asked the action again is closed instead."""
    if update.request_id is None:
        return
    request = UpdateRequest.objects.select_related("round").get(pk=update.request_id)
    if request.state in FINAL:
        return
    latest = ActionUpdate.objects.filter(request=request).order_by("-id").first()
    if latest is None or latest.pk != update.pk:
        return
    partnership = update.action.partnership
    writes.update(user, "update_request.update", request, partnership, {"state": state})
    if state == State.RETURNED:
        actions_cycle.close_superseded(user, partnership, update.action_id)


def _decide(
    user: AnyUser, action: Action, update: ActionUpdate, outcome: str, reason: str
) -> UpdateDecision:
    """Record the decision (``action`` is the update's action, read under lock); an accepted
    update that is the action's latest accepted one gives the action its status."""
    by_id, by_name = _author(user)
    decision = UpdateDecision(
        update=update, outcome=outcome, reason=reason, by_id=by_id, by_name=by_name
    )
    verb = "action_update.accept" if outcome == Outcome.ACCEPTED else "action_update.return"
    decision.save()  # a decision made meanwhile by another session: IntegrityError
    record_create(user, verb, decision, action.partnership)
    _request_follows(
        user, update, State.ACCEPTED if outcome == Outcome.ACCEPTED else State.RETURNED
    )
    if outcome == Outcome.ACCEPTED:
        _take_status(user, action)
    return decision


def _take_status(user: AnyUser, action: Action) -> None:
    """The action takes the status of its latest accepted update (by the day it describes, then
    as written): an older update accepted later does not change it."""
    latest = (
        ActionUpdate.objects.filter(action=action, decision__outcome=Outcome.ACCEPTED)
        .order_by("-on", "-id")
        .first()
    )
    if latest is None or latest.status == action.status:
        return
    before = snapshot(action, ["status"])
    action.status = latest.status
    action.save(update_fields=["status"])
    record(
        user,
        "action.update",
        action,
        diff(before, snapshot(action, ["status"])),
        action.partnership,
    )
    _close_when_closed(user, action)


def already_decided(update: ActionUpdate) -> ValidationError:
    """The refusal of a decision on an update decided meanwhile: who decided it, and when."""
    decision = UpdateDecision.objects.filter(update=update).first()
    if decision is None:
        return ValidationError("This update could not be decided: nothing was changed. Try again.")
    when = day_and_time(timezone.localtime(decision.made_at))
    return ValidationError(
        f"This update was already {decision.get_outcome_display().lower()} by "
        f"{decision.by_name or 'someone else'} ({when}): nothing was changed."
    )


def _decided(update: ActionUpdate) -> bool:
    """Whether the update has its decision: read under its action's lock, so a decision made
    by another session that held the lock first is seen."""
    return UpdateDecision.objects.filter(update=update).exists()


def decide_update(
    user: AnyUser, update: ActionUpdate, outcome: str, reason: str = ""
) -> UpdateDecision:
    """Accept an update, or return it with a reason (required). An update is decided once: a
    decision made meanwhile (by another session) is told, as a ``ValidationError``."""
    partnership = update.action.partnership
    require(user, partnership, Capability.ACCEPT_UPDATES)
    reason = reason.strip()
    if outcome == Outcome.RETURNED and not reason:
        raise ValidationError({"reason": "Enter why the update is returned"})
    if outcome not in Outcome.values:
        raise ValidationError("Choose to accept or to return the update.")
    try:
        with transaction.atomic():
            action = writes.lock(update.action)
            if _decided(update):
                raise already_decided(update)
            decision = _decide(user, action, update, outcome, reason)
    except IntegrityError:  # decided by another session between the check and the write
        raise already_decided(update) from None
    update.action.status = action.status
    return decision
