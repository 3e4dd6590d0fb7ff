"""The demo plan's update cycle (#17): lead people with accounts, a quarterly cycle, and its
current round, a fortnight past its due date.

Made as the loader makes the demo's partnerships and memberships: rows written directly, each
recorded in the audit log as the loader's. Dates are counted from the day the demo is loaded
(``followup.lib.clock``), so that the round is always the current one: it was due
``DUE_DAYS_AGO`` days ago and escalated the day before loading, when only one request was still
waiting for its update. Of the five open actions' requests, two updates were accepted, one waits
for the lead officer's acceptance, one was returned (since the escalation) and one was never
sent. No email is on the record: the first ``followup tick`` sends the round's digests.

Every update written here is illustrative, like the plan it belongs to. The demo's earlier
updates (``demo.plan``) are recorded as accepted by the loader, as the migration that brought
acceptance in (plans 0004) recorded every update before it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from followup.audit.log import record, record_create
from followup.lib import clock
from followup.partnerships.models import Partnership
from followup.plans.models import (
    Action,
    ActionUpdate,
    UpdateCycle,
    UpdateDecision,
    UpdateRequest,
    UpdateRound,
)

DUE_DAYS_AGO = 15
ESCALATE_AFTER = 14  # so the escalation day was the day before loading
OPENS_DAYS_BEFORE = 14
# Who leads each action: the demo's cast, by the owner organisation's kind.
LEAD_BY_OWNER = {"council": "lead", "health": "contributor", "third_sector": "contributor"}
LEAD_BY_OWNER_DEFAULT = "editor"


@dataclass(frozen=True)
class Asked:
    """One open action's request in the current round, and what became of it."""

    title: str  # the action's title, from demo.plan
    lead: str  # the cast member asked
    state: UpdateRequest.State
    rating: str = ""  # of the update sent, if any
    note: str = ""
    reason: str = ""  # why a returned update was returned
    escalated: bool = False


ROUND: list[Asked] = [
    Asked(
        "Set up a joint strategic commissioning group for children's services",
        "editor",
        UpdateRequest.State.ACCEPTED,
        "at_risk",
        "Illustrative: commissioning data from all partners now in; the first joint "
        "commissioning plan goes to the chief officers' group next month.",
    ),
    Asked(
        "Target literacy and numeracy support at schools in the most deprived areas",
        "contributor",
        UpdateRequest.State.SUBMITTED,
        "on_track",
        "Illustrative: tutoring running in all six schools; the first attainment check is due "
        "at the end of term.",
    ),
    Asked(
        "Provide intensive family support to prevent young people being accommodated",
        "contributor",
        UpdateRequest.State.RETURNED,
        "on_track",
        "Illustrative: the team is working with families.",
        reason="Say how many families the team worked with this quarter and what changed for "
        "them, and attach the referral figures.",
    ),
    Asked(
        "Align resources across partners through a joint resource group",
        "editor",
        UpdateRequest.State.PENDING,
        escalated=True,
    ),
    Asked(
        "Strengthen the Child Protection Committee's self-evaluation, including case-file audit",
        "editor",
        UpdateRequest.State.ACCEPTED,
        "on_track",
        "Illustrative: the committee's case file audit is finished and its findings are in "
        "the self-evaluation.",
    ),
]


def _accept(loader: User, update: ActionUpdate, by: User, partnership: Partnership) -> None:
    decision = UpdateDecision.objects.create(
        update=update,
        outcome=UpdateDecision.Outcome.ACCEPTED,
        by_id=by.pk,
        by_name=by.get_username(),
    )
    record_create(loader, "update_decision.create", decision, partnership)


def accept_earlier_updates(loader: User, partnerships: list[Partnership]) -> None:
    """Record the demo's earlier updates as accepted, by the loader who wrote them."""
    for update in ActionUpdate.objects.filter(
        action__partnership__in=partnerships, decision__isnull=True
    ).select_related("action__partnership"):
        _accept(loader, update, loader, update.action.partnership)


def set_leads(loader: User, partnership: Partnership, cast: dict[str, User]) -> None:
    """Give each of the plan's actions its lead person's account: the one asked for its
    updates."""
    leads = {asked.title: asked.lead for asked in ROUND}
    for action in Action.objects.filter(partnership=partnership).select_related(
        "owner_organisation"
    ):
        kind = action.owner_organisation.kind if action.owner_organisation else ""
        name = leads.get(action.title) or LEAD_BY_OWNER.get(kind, LEAD_BY_OWNER_DEFAULT)
        Action.objects.filter(pk=action.pk).update(lead_user=cast[name])
        record(loader, "action.update", action, {"lead_user": [None, cast[name].pk]}, partnership)


def load_cycle(loader: User, partnership: Partnership, cast: dict[str, User]) -> UpdateRound:
    """The quarterly cycle and its current round, as ``demo.cycle`` describes them."""
    now = clock.now()
    due = clock.today() - datetime.timedelta(days=DUE_DAYS_AGO)
    cycle = UpdateCycle.objects.create(
        partnership=partnership,
        kind=UpdateCycle.Kind.QUARTERLY,
        first_due_on=due,
        opens_days_before=OPENS_DAYS_BEFORE,
        remind_before=[7],
        remind_after=[7],
        escalate_after=ESCALATE_AFTER,
    )
    record_create(loader, "update_cycle.create", cycle, partnership)
    round_ = UpdateRound.objects.create(partnership=partnership, due_on=due)
    UpdateRound.objects.filter(pk=round_.pk).update(
        opened_at=now - datetime.timedelta(days=DUE_DAYS_AGO + OPENS_DAYS_BEFORE)
    )
    record_create(loader, "update_round.open", round_, partnership)
    actions = {a.title: a for a in Action.objects.filter(partnership=partnership)}
    for n, asked in enumerate(ROUND):
        action = actions[asked.title]
        request = UpdateRequest.objects.create(
            round=round_,
            action=action,
            addressee=cast[asked.lead],
            state=asked.state,
            escalated_at=now - datetime.timedelta(days=1) if asked.escalated else None,
        )
        record_create(loader, "update_request.create", request, partnership)
        if asked.state != UpdateRequest.State.PENDING:
            _answer(loader, request, asked, due - datetime.timedelta(days=4 - n), cast)
    return round_


def _answer(
    loader: User,
    request: UpdateRequest,
    asked: Asked,
    on: datetime.date,
    cast: dict[str, User],
) -> None:
    """The update sent for a request, and the lead officer's decision on it, if any."""
    partnership = request.action.partnership
    author = cast[asked.lead]
    update = ActionUpdate.objects.create(
        action=request.action,
        on=on,
        status=request.action.status,
        rating=asked.rating,
        note=asked.note,
        author_id=author.pk,
        author_name=author.get_username(),
        request=request,
    )
    record_create(loader, "action_update.create", update, partnership)
    lead = cast["lead"]
    if asked.state == UpdateRequest.State.ACCEPTED:
        _accept(loader, update, lead, partnership)
    elif asked.state == UpdateRequest.State.RETURNED:
        decision = UpdateDecision.objects.create(
            update=update,
            outcome=UpdateDecision.Outcome.RETURNED,
            reason=asked.reason,
            by_id=lead.pk,
            by_name=lead.get_username(),
        )
        record_create(loader, "update_decision.create", decision, partnership)
