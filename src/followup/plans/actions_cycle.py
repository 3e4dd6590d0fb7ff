"""Every write of the update cycle: a partnership's schedule saved, a round opened with its
requests, the requests still missing escalated. Each is recorded in the audit log.

Opening is idempotent: a round is one per partnership and due date, a request one per round and
action (unique constraints), both made with ``get_or_create`` in one transaction. However often
``followup tick`` runs, and however many run at once, a due date has one round and an action one
request in it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.audit.log import record, record_many
from followup.lib import clock
from followup.lib.dates import day
from followup.lib.types import Actor
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership
from followup.plans import cycle as calendar
from followup.plans import queries_cycle
from followup.plans.models import CycleDate, UpdateCycle, UpdateRequest, UpdateRound

# What the schedule's form changes, and so what its version holds. A cycle of the
# partnership's own dates keeps them as rows (``CycleDate``): ``data["dates"]``.
CYCLE_FIELDS = (
    "is_active",
    "kind",
    "first_due_on",
    "opens_days_before",
    "remind_before",
    "remind_after",
    "escalate_after",
)


def _check_new_dates(
    existing: UpdateCycle | None, fields: dict[str, Any], dates: list[datetime.date] | None
) -> None:
    """A due date newly given must not be in the past (one already saved may be kept)."""
    today = clock.today()
    first = fields.get("first_due_on")
    kept_first = existing.first_due_on if existing is not None else None
    errors = {}
    if first is not None and first != kept_first and first < today:
        errors["first_due_on"] = "The first due date must be today or in the future"
    kept = set(queries_cycle.own_dates(existing)) if existing is not None else set()
    past = sorted(d for d in (dates or []) if d not in kept and d < today)
    if past:
        errors["dates"] = f"Due dates must be today or in the future: {day(past[0])} is not"
    if errors:
        raise ValidationError(errors)


def _check_dates_unchanged(
    seen: str | None, kept: list[datetime.date], dates: list[datetime.date] | None
) -> None:
    """Refuse new dates when the dates saved changed since the form was read (another session
    saved others): saving would overwrite them unseen."""
    if seen is None or dates is None or dates == kept or seen == calendar.dates_seen(kept):
        return
    raise ValidationError({"dates": calendar.dates_changed(kept)})


def set_cycle(
    user: AnyUser, partnership: Partnership, data: dict[str, Any], *, version: str | None = None
) -> UpdateCycle:
    """Save the partnership's update cycle; ``version`` is the form's, refused if the cycle was
    made or changed since the form was read. The partnership's row is locked while the cycle is
    read and written, so two first saves cannot both make one. ``data["dates_seen"]``, when
    given, is the cycle's own dates as the form showed them: new dates are refused if those saved
    changed since. The form of a partnership with no cycle, sent as it was shown, saves
    nothing."""
    require(user, partnership, Capability.EDIT_PLAN)
    fields = {k: data[k] for k in CYCLE_FIELDS if k in data}
    dates = sorted(set(data["dates"])) if data.get("dates") is not None else None
    with transaction.atomic():
        writes.lock(partnership)
        existing = UpdateCycle.objects.filter(partnership=partnership).first()
        blank = calendar.new_cycle(partnership)
        kept = queries_cycle.own_dates(existing) if existing is not None else []
        problems = calendar.problems(
            {**_values(existing or blank), **fields}, kept if dates is None else dates
        )
        if problems:
            raise ValidationError(problems)
        if version is not None:
            submitted = writes.state_of_values(UpdateCycle, fields)
            writes.check_new(version, UpdateCycle, existing, submitted)
        _check_dates_unchanged(data.get("dates_seen"), kept, dates)
        _check_new_dates(existing, fields, dates)
        if existing is None:
            cycle = UpdateCycle(partnership=partnership, **{**_values(blank), **fields})
            if writes.state(cycle, CYCLE_FIELDS) == writes.state(blank, CYCLE_FIELDS) and not dates:
                return cycle  # the form as it was shown: nothing to save
            cycle = writes.create(user, "update_cycle.create", cycle, partnership)
        else:
            cycle = writes.update(user, "update_cycle.update", existing, partnership, fields)
        if dates is not None:
            _set_dates(user, cycle, dates)
        return cycle


def _values(cycle: UpdateCycle) -> dict[str, Any]:
    return {name: getattr(cycle, name) for name in CYCLE_FIELDS}


def _set_dates(user: AnyUser, cycle: UpdateCycle, dates: list[datetime.date]) -> None:
    """Make the cycle's own dates exactly ``dates``; one audit entry lists them before and
    after, when they changed."""
    before = queries_cycle.own_dates(cycle)
    if before == dates:
        return
    CycleDate.objects.filter(cycle=cycle).exclude(due_on__in=dates).delete()
    CycleDate.objects.bulk_create(
        [CycleDate(cycle=cycle, due_on=d) for d in dates if d not in set(before)]
    )
    record(
        user,
        "update_cycle.dates",
        cycle,
        {"dates": [[d.isoformat() for d in before], [d.isoformat() for d in dates]]},
        cycle.partnership,
    )


def open_round(actor: Actor, partnership: Partnership, due_on: datetime.date) -> UpdateRound | None:
    """Open the round due on ``due_on``: one pending request for each open action, addressed
    to whom ``queries_cycle.addressee_for`` says; an earlier round's request of the action still
    waiting is closed, as this one asks again. None, and nothing made, when the round is open
    already."""
    with transaction.atomic():
        round_, made = UpdateRound.objects.get_or_create(partnership=partnership, due_on=due_on)
        if not made:
            return None
        round_.opened_at = clock.now()
        round_.save(update_fields=["opened_at"])
        requests = []
        for action in queries_cycle.open_actions(partnership):
            request, _ = UpdateRequest.objects.get_or_create(
                round=round_,
                action=action,
                defaults={"addressee": queries_cycle.addressee_for(action)},
            )
            requests.append(request)
        close_waiting(
            actor,
            partnership,
            [r.action_id for r in requests],
            f"asked again in the round due {day(due_on)}",
            before=round_,
        )
        record(
            actor,
            "update_round.open",
            round_,
            {
                "due_on": [None, due_on.isoformat()],
                "requests": [None, len(requests)],
                "no_one_to_ask": [None, sum(r.addressee_id is None for r in requests)],
            },
            partnership,
        )
    return round_


def close_waiting(
    actor: Actor,
    partnership: Partnership,
    action_ids: list[int],
    why: str,
    *,
    before: UpdateRound | None = None,
) -> list[UpdateRequest]:
    """Close the requests of these actions still waiting for their update (pending or
    returned): no longer asked, so never reminded, escalated or counted overdue. ``before``:
    only those of rounds due before it (the round that asks again). Call inside the
    transaction of the change that makes them moot; each is recorded with ``why``."""
    waiting = UpdateRequest.objects.select_for_update().filter(
        action_id__in=action_ids, state__in=calendar.OUTSTANDING
    )
    if before is not None:
        waiting = waiting.filter(round__due_on__lt=before.due_on)
    closed = list(waiting.order_by("id"))
    if not closed:
        return []
    UpdateRequest.objects.filter(pk__in=[r.pk for r in closed]).update(
        state=UpdateRequest.State.CLOSED
    )
    record_many(
        actor,
        "update_request.close",
        [(r, {"state": [r.state, UpdateRequest.State.CLOSED], "why": [None, why]}) for r in closed],
        partnership,
    )
    for request in closed:
        request.state = UpdateRequest.State.CLOSED
    return closed


def close_superseded(actor: Actor, partnership: Partnership, action_id: int) -> None:
    """Close the action's requests still waiting from rounds before its latest request's: the
    latest asks again."""
    latest = (
        UpdateRequest.objects.select_related("round")
        .filter(action_id=action_id)
        .order_by("-round__due_on", "-id")
        .first()
    )
    if latest is not None:
        why = f"asked again in the round due {day(latest.round.due_on)}"
        close_waiting(actor, partnership, [action_id], why, before=latest.round)


def escalate(actor: Actor, round_: UpdateRound) -> list[UpdateRequest]:
    """Mark the round's requests still waiting for their update (pending or returned) as
    escalated to the lead officers, now; those escalated already are left as they were."""
    with transaction.atomic():
        waiting = list(
            UpdateRequest.objects.select_for_update()
            .filter(round=round_, state__in=calendar.OUTSTANDING, escalated_at__isnull=True)
            .order_by("id")
        )
        if not waiting:
            return []
        now = clock.now()
        UpdateRequest.objects.filter(pk__in=[r.pk for r in waiting]).update(escalated_at=now)
        for request in waiting:
            request.escalated_at = now
        record_many(
            actor,
            "update_request.escalate",
            [(r, {"escalated_at": [None, now.isoformat()]}) for r in waiting],
            round_.partnership,
        )
    return waiting
