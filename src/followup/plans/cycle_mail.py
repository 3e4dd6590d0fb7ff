"""The update cycle's emails: each round's digest to each person asked, the reminders, and the
escalation to the lead officers. Plain text in plain words, each saying who sent it and where
to change which emails one gets; each sent through ``mail.actions.send_once`` under an event
key naming the round, the person and (for a reminder) the day, so that none is sent twice.

Every link is absolute, from ``FOLLOWUP_BASE_URL``: the update form of the action, with the
request it answers (``?request=<id>``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from followup.lib.dates import day
from followup.lib.types import Actor
from followup.mail.actions import Outgoing, send_once
from followup.mail.models import Message
from followup.partnerships import access
from followup.plans import actions_cycle, queries_cycle
from followup.plans import cycle as calendar
from followup.plans.models import UpdateCycle, UpdateRequest, UpdateRound


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def update_link(request: UpdateRequest) -> str:
    """The update form of the request's action, carrying the request."""
    action = request.action
    path = reverse("plans:update_create", args=[action.partnership.slug, action.pk])
    return _absolute(f"{path}?request={request.pk}")


def action_link(request: UpdateRequest) -> str:
    action = request.action
    return _absolute(reverse("plans:detail", args=[action.partnership.slug, action.pk]))


def name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _footer(round_: UpdateRound) -> str:
    partnership = round_.partnership
    leads = ", ".join(name_of(u) for u in queries_cycle.lead_officers(partnership))
    on_behalf = f", on behalf of its lead officers ({leads})" if leads else ""
    return (
        "\n-- \n"
        f"Sent by Followup for {partnership.name}'s improvement plan{on_behalf}.\n"
        "To choose which of these emails you get, go to your notification settings:\n"
        f"{_absolute(reverse('mail:notifications'))}\n"
    )


def _listed(requests: Iterable[UpdateRequest]) -> str:
    lines = []
    for number, request in enumerate(requests, 1):
        returned = request.state == UpdateRequest.State.RETURNED
        note = " (returned to you: the reason is on the action's page)" if returned else ""
        lines.append(
            f"{number}. {request.action.title}{note}\n   Add the update: {update_link(request)}\n"
        )
    return "\n".join(lines)


def _grouped(requests: Iterable[UpdateRequest]) -> dict[User, list[UpdateRequest]]:
    by_person: dict[User, list[UpdateRequest]] = defaultdict(list)
    for request in requests:
        if request.addressee is not None:
            by_person[request.addressee].append(request)
    return by_person


def _unsent(events: dict[str, User]) -> dict[str, User]:
    """Those of the events not on the record yet (one read for all)."""
    done = set(Message.objects.filter(event__in=list(events)).values_list("event", flat=True))
    return {event: user for event, user in events.items() if event not in done}


def _sendable(person: User, round_: UpdateRound) -> bool:
    """Only a member of the partnership today is told about its plan."""
    return access.can(person, round_.partnership, access.Capability.VIEW)


def _by_when(due: datetime.date, today: datetime.date) -> str:
    """When the updates are due, as the digest says it on the day it is sent: a round opened
    late, or with no notice, is not worded as if its due date were ahead."""
    if today < due:
        return f"by {day(due)}"
    if today == due:
        return f"by today, {day(due)}"
    return f"that was due on {day(due)}: it is overdue, so please add it as soon as you can"


def digest_body(
    person: User,
    round_: UpdateRound,
    own: list[UpdateRequest],
    unasked: list[UpdateRequest],
    today: datetime.date,
) -> str:
    partnership, due = round_.partnership, day(round_.due_on)
    text = f"Hello {name_of(person)},\n\n"
    if own:
        count = f"{len(own)} action{'s' if len(own) != 1 else ''}"
        text += (
            f"{partnership.name} is asking you for an update on {count} of its improvement "
            f"plan {_by_when(round_.due_on, today)}. Open each link to add your update "
            "(you will be asked to sign in first if you are not signed in):"
            f"\n\n{_listed(own)}\n"
        )
    if unasked:
        listed = "\n".join(f"- {r.action.title}\n  {action_link(r)}\n" for r in unasked)
        text += (
            f"These actions have no one to ask for their update due by {due}: no lead person "
            "with a Followup account, and no contact at the owner organisation. As a lead "
            "officer, add their updates yourself, or give each a lead person:\n\n"
            f"{listed}\n"
        )
    return text + _footer(round_)


def send_digests(round_: UpdateRound, today: datetime.date) -> list[Message]:
    """Each person asked in the round gets one message listing their requests still waiting;
    the lead officers, when some requests have no one to ask, get them listed too."""
    waiting = list(queries_cycle.requests_of(round_).filter(state__in=calendar.OUTSTANDING))
    by_person = _grouped(waiting)
    unasked = [r for r in waiting if r.addressee is None]
    leads = queries_cycle.lead_officers(round_.partnership) if unasked else []
    people = {p.pk: p for p in by_person} | {p.pk: p for p in leads}
    lead_ids = {p.pk for p in leads}
    events = {
        f"digest:{queries_cycle.round_event(round_)}:user-{pk}": p for pk, p in people.items()
    }
    sent = []
    for event, person in sorted(_unsent(events).items()):
        if not _sendable(person, round_):
            continue
        own = by_person.get(person, [])
        body = digest_body(person, round_, own, unasked if person.pk in lead_ids else [], today)
        subject = (
            f"Overdue: updates that were due on {day(round_.due_on)}: {round_.partnership.name}"
            if today > round_.due_on
            else f"Updates due by {day(round_.due_on)}: {round_.partnership.name}"
        )
        message = send_once(
            Outgoing(event, Message.Kind.DIGEST, round_.partnership, person, subject, body)
        )
        if message is not None:
            sent.append(message)
    return sent


def reminder_body(
    person: User, round_: UpdateRound, own: list[UpdateRequest], today: datetime.date
) -> str:
    due = day(round_.due_on)
    count = f"{len(own)} action{'s' if len(own) != 1 else ''}"
    if today > round_.due_on:
        when = (
            f"was due on {due} and is now overdue"
            if len(own) == 1
            else f"were due on {due} and are now overdue"
        )
    else:
        when = f"is due by {due}" if len(own) == 1 else f"are due by {due}"
    return (
        f"Hello {name_of(person)},\n\n"
        f"A reminder: {round_.partnership.name} is still waiting for your update on {count} of "
        f"its improvement plan. The update{'s' if len(own) != 1 else ''} {when}.\n\n"
        f"{_listed(own)}\n" + _footer(round_)
    )


def send_reminders(round_: UpdateRound, cycle: UpdateCycle, today: datetime.date) -> list[Message]:
    """On a reminder day, each person whose requests in the round still wait gets one reminder
    listing them (not those who asked for digests only)."""
    opened_on = timezone.localdate(round_.opened_at)
    when = calendar.reminder_due(cycle, round_.due_on, opened_on, today)
    if when is None:
        return []
    waiting = queries_cycle.requests_of(round_).filter(
        state__in=calendar.OUTSTANDING, escalated_at__isnull=True
    )
    by_person = _grouped(waiting)
    mark = f"reminder:{queries_cycle.round_event(round_)}"
    events = {f"{mark}:user-{p.pk}:{when.isoformat()}": p for p in by_person}
    sent = []
    for event, person in sorted(_unsent(events).items()):
        if not _sendable(person, round_):
            continue
        overdue = today > round_.due_on
        subject = (
            f"Overdue: updates that were due on {day(round_.due_on)}"
            if overdue
            else f"Reminder: updates due by {day(round_.due_on)}"
        )
        body = reminder_body(person, round_, by_person[person], today)
        message = send_once(
            Outgoing(
                event,
                Message.Kind.REMINDER,
                round_.partnership,
                person,
                subject,
                body,
                optional=True,
            )
        )
        if message is not None:
            sent.append(message)
    return sent


def escalation_body(
    person: User, round_: UpdateRound, missing: list[UpdateRequest], today: datetime.date
) -> str:
    lines = []
    for request in missing:
        asked = (
            f"{name_of(request.addressee)} ({request.addressee.email or 'no email address'})"
            if request.addressee is not None
            else "no one to ask"
        )
        lines.append(
            f"- {request.action.title}\n  Asked: {asked}\n"
            f"  {request.get_state_display()}\n  {action_link(request)}\n"
        )
    page = reverse("plans:round", args=[round_.partnership.slug, round_.pk])
    late = (today - round_.due_on).days
    return (
        f"Hello {name_of(person)},\n\n"
        f"These updates to {round_.partnership.name}'s improvement plan were due on "
        f"{day(round_.due_on)} and are still missing {late} day{'s' if late != 1 else ''} "
        "later. "
        "As a lead officer, you may want to follow them up:\n\n" + "\n".join(lines) + "\n"
        f"Every request of this round, and the messages sent about it:\n{_absolute(page)}\n"
        + _footer(round_)
    )


def send_escalations(
    actor: Actor, round_: UpdateRound, cycle: UpdateCycle, today: datetime.date
) -> tuple[int, list[Message]]:
    """From the escalation day, escalate the round's requests still waiting, and send each
    lead officer one message listing them. The number escalated now, and the messages."""
    if today < calendar.escalation_day(cycle, round_.due_on):
        return 0, []
    if timezone.localdate(round_.opened_at) >= today:
        return 0, []  # those asked today are given a day at least before anyone is told
    escalated = actions_cycle.escalate(actor, round_)
    missing = list(
        queries_cycle.requests_of(round_).filter(
            state__in=calendar.OUTSTANDING, escalated_at__isnull=False
        )
    )
    if not missing:
        return len(escalated), []
    leads = queries_cycle.lead_officers(round_.partnership)
    events = {f"escalation:{queries_cycle.round_event(round_)}:user-{p.pk}": p for p in leads}
    sent = []
    for event, person in sorted(_unsent(events).items()):
        count = f"{len(missing)} update{'s' if len(missing) != 1 else ''}"
        subject = (
            f"Overdue: {count} still missing for {day(round_.due_on)}: {round_.partnership.name}"
        )
        body = escalation_body(person, round_, missing, today)
        message = send_once(
            Outgoing(event, Message.Kind.ESCALATION, round_.partnership, person, subject, body)
        )
        if message is not None:
            sent.append(message)
    return len(escalated), sent
