"""Every read of the update cycle: a partnership's schedule, its rounds and requests, who is
asked, and the messages on the record. Pages call those that take the user, which find the
partnership through ``partnerships.access``; ``followup tick`` reads every active cycle."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from followup.lib import clock
from followup.mail.models import Message
from followup.partnerships import access
from followup.partnerships.models import Membership, Partnership, Role
from followup.plans import cycle as calendar
from followup.plans.models import (
    CLOSED_STATUSES,
    Action,
    UpdateCycle,
    UpdateRequest,
    UpdateRound,
)


def cycle_of(partnership: Partnership) -> UpdateCycle:
    """The partnership's cycle, or the settings a new one starts from (not saved)."""
    found = UpdateCycle.objects.filter(partnership=partnership).first()
    return found if found is not None else calendar.new_cycle(partnership)


def own_dates(cycle: UpdateCycle) -> list[datetime.date]:
    """The due dates of a cycle of the partnership's own dates, in order (none unsaved)."""
    if cycle.pk is None:
        return []
    return [d.due_on for d in cycle.dates.all()]


def active_cycles() -> QuerySet[UpdateCycle]:
    """Every cycle that is on, of a partnership that is not archived."""
    return (
        UpdateCycle.objects.filter(is_active=True, partnership__archived_at__isnull=True)
        .select_related("partnership")
        .prefetch_related("dates")
        .order_by("partnership_id")
    )


def live_rounds(today: datetime.date) -> list[tuple[UpdateRound, UpdateCycle]]:
    """The rounds of active cycles that may still have something to send: up to
    ``CATCH_UP_DAYS`` after their escalation day. Oldest first."""
    horizon = today - datetime.timedelta(days=calendar.MOST_DAYS_AFTER + calendar.CATCH_UP_DAYS)
    cycles = {c.partnership_id: c for c in active_cycles()}
    rounds = (
        UpdateRound.objects.filter(partnership_id__in=cycles, due_on__gte=horizon)
        .select_related("partnership")
        .order_by("due_on", "id")
    )
    found = []
    for round_ in rounds:
        cycle = cycles[round_.partnership_id]
        last = calendar.escalation_day(cycle, round_.due_on)
        if last + datetime.timedelta(days=calendar.CATCH_UP_DAYS) >= today:
            found.append((round_, cycle))
    return found


def open_actions(partnership: Partnership) -> QuerySet[Action]:
    """The partnership's actions that are neither complete nor cancelled."""
    return (
        Action.objects.filter(partnership=partnership)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("lead_user", "owner_organisation__contact")
        .order_by("id")
    )


def addressee_for(action: Action) -> User | None:
    """Who is asked for the action's update: its lead person's account, or else its owner
    organisation's contact; each only while they may add updates to the partnership's plan.
    None: there is no one to ask (the lead officers are told)."""
    organisation = action.owner_organisation
    for person in (action.lead_user, organisation.contact if organisation else None):
        if person is not None and access.can(
            person, action.partnership, access.Capability.UPDATE_ACTION
        ):
            return person
    return None


def lead_officers(partnership: Partnership) -> list[User]:
    """The partnership's lead officers today (active memberships, active accounts)."""
    memberships = (
        Membership.objects.filter(
            access.active(clock.today()),
            partnership=partnership,
            role=Role.LEAD,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username")
    )
    return [m.user for m in memberships]


def requests_of(round_: UpdateRound) -> QuerySet[UpdateRequest]:
    """The round's requests, with their actions and who was asked, in the order of the plan."""
    return (
        UpdateRequest.objects.filter(round=round_)
        .select_related("action", "addressee", "round__partnership")
        .order_by("action__due_date", "action_id")
    )


@dataclass(frozen=True)
class RoundRow:
    round: UpdateRound
    requests: int
    answered: int
    outstanding: int
    escalated: int
    unasked: int
    closed: int


def rounds_of(partnership: Partnership) -> list[RoundRow]:
    """The partnership's rounds, newest first, with their requests counted by state. Call
    with a partnership from ``partnership_for``."""
    rounds = UpdateRound.objects.filter(partnership=partnership).annotate(
        n=Count("requests"),
        answered=Count("requests", filter=Q(requests__state__in=calendar.ANSWERED)),
        outstanding=Count("requests", filter=Q(requests__state__in=calendar.OUTSTANDING)),
        escalated=Count(
            "requests",
            filter=Q(
                requests__escalated_at__isnull=False, requests__state__in=calendar.OUTSTANDING
            ),
        ),
        unasked=Count("requests", filter=Q(requests__addressee__isnull=True)),
        closed=Count("requests", filter=Q(requests__state=UpdateRequest.State.CLOSED)),
    )
    return [
        RoundRow(r, r.n, r.answered, r.outstanding, r.escalated, r.unasked, r.closed)
        for r in rounds.order_by("-due_on", "-id")
    ]


def round_for(user: access.AnyUser, slug: str, pk: int) -> UpdateRound:
    """One round of a partnership the user may see; 404 otherwise."""
    partnership = access.partnership_for(user, slug)
    return get_object_or_404(
        UpdateRound.objects.filter(partnership=partnership).select_related("partnership"), pk=pk
    )


def round_event(round_: UpdateRound) -> str:
    """What the events of a round's messages say of it (``digest:round-4:user-7``)."""
    return f"round-{round_.pk}"


def messages_of(round_: UpdateRound) -> QuerySet[Message]:
    """The messages of a round, on the record: every kind, to whomever, newest first."""
    mark = f":{round_event(round_)}:"
    return (
        Message.objects.filter(partnership=round_.partnership)
        .filter(event__contains=mark)
        .select_related("to_user")
    )
