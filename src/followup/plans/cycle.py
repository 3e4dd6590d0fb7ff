"""The update cycle's calendar: when updates are due, when each round opens, when its reminders
go and when what is still missing is escalated. Plain date arithmetic on a cycle's settings,
with no reads or writes of its own: ``followup.plans.cycle_tick`` runs the cycle on it.

A monthly or quarterly cycle counts from its first due date, each due date worked out from that
first date, not from the one before: from 31 January, monthly, the dates are 28 (or 29)
February, 31 March, 30 April, 31 May. A cycle of the partnership's own dates has those dates.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from followup.lib.dates import day
from followup.partnerships.models import Partnership
from followup.plans.models import UpdateCycle, UpdateRequest

# A request still waiting for its update; one whose update came (waiting for acceptance, or
# accepted) is answered.
OUTSTANDING = (UpdateRequest.State.PENDING, UpdateRequest.State.RETURNED)
ANSWERED = (UpdateRequest.State.SUBMITTED, UpdateRequest.State.ACCEPTED)
STEP_MONTHS = {UpdateCycle.Kind.MONTHLY: 1, UpdateCycle.Kind.QUARTERLY: 3}

# Limits of a cycle's settings (the form refuses anything outside them).
MOST_DAYS_BEFORE = 90  # requests go out at most a quarter before the due date
MOST_DAYS_AFTER = 120  # reminders and the escalation come at most four months after it
MOST_REMINDERS = 5  # before, and again after, the due date
MOST_DATES = 60  # five years of monthly dates of the partnership's own
# A round is kept going (its digests, reminders and escalation sent) for this many days after
# its escalation day, so that a `followup tick` that could not run for a while catches up.
CATCH_UP_DAYS = 7


def dates_seen(dates: Sequence[datetime.date]) -> str:
    """A cycle's own dates as its form carries them, to tell whether they changed since."""
    return " ".join(d.isoformat() for d in dates)


def dates_changed(saved: Sequence[datetime.date]) -> str:
    """The refusal of new dates over ``saved``, saved by someone else since the form was read."""
    now = ", ".join(day(d) for d in saved) or "none"
    return (
        f"Someone else changed the due dates since you opened this page; they are now: {now}. "
        "Nothing was saved: check them and save again"
    )


def new_cycle(partnership: Partnership) -> UpdateCycle:
    """The settings a partnership's cycle starts from before it is first saved: off, quarterly,
    requests two weeks before the due date, a reminder a week before and a week after, and the
    lead officers told two weeks after."""
    return UpdateCycle(
        partnership=partnership,
        is_active=False,
        kind=UpdateCycle.Kind.QUARTERLY,
        opens_days_before=14,
        remind_before=[7],
        remind_after=[7],
        escalate_after=14,
    )


def problems(fields: dict[str, Any], dates: Sequence[datetime.date]) -> dict[str, str]:
    """What makes these settings (``actions_cycle.CYCLE_FIELDS``) a cycle that could not run,
    by field: nothing when it could."""
    kind, found = fields.get("kind"), {}
    if fields.get("is_active"):
        if kind in STEP_MONTHS and fields.get("first_due_on") is None:
            found["first_due_on"] = "Enter the first due date of a monthly or quarterly schedule"
        if kind == UpdateCycle.Kind.DATES and not dates:
            found["dates"] = "Enter at least one due date of your own"
    opens = fields.get("opens_days_before") or 0
    if any(n >= opens for n in fields.get("remind_before") or []):
        found["remind_before"] = (
            "Reminders before the due date must come after the requests go out, so fewer days "
            f"before it than {opens}"
        )
    after = fields.get("remind_after") or []
    if after and (fields.get("escalate_after") or 0) <= max(after):
        found["escalate_after"] = (
            "Days after the due date to tell the lead officers must be more than the last "
            f"reminder's, {max(after)}"
        )
    return found


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter:
    31 January + 1 month is 28 February (29 in a leap year)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(
    cycle: UpdateCycle,
    own_dates: Iterable[datetime.date],
    start: datetime.date,
    end: datetime.date,
) -> list[datetime.date]:
    """The cycle's due dates from ``start`` to ``end``, both included, in order. ``own_dates``:
    the dates of a cycle of the partnership's own (``CycleDate``)."""
    if cycle.kind == UpdateCycle.Kind.DATES:
        return sorted(d for d in set(own_dates) if start <= d <= end)
    first = cycle.first_due_on
    if first is None or end < first or cycle.kind not in STEP_MONTHS:
        return []
    step = STEP_MONTHS[UpdateCycle.Kind(cycle.kind)]
    # Start a step before the month of ``start``: every earlier due date is before it.
    n = max(0, ((start.year - first.year) * 12 + start.month - first.month) // step - 1)
    found = []
    while (due := add_months(first, n * step)) <= end:
        if due >= start:
            found.append(due)
        n += 1
    return found


def to_open(
    cycle: UpdateCycle, own_dates: Iterable[datetime.date], today: datetime.date
) -> list[datetime.date]:
    """The due dates whose round opens by ``today``: its requests go out ``opens_days_before``
    days before the due date. A due date already past is not opened late."""
    return due_dates(
        cycle, own_dates, today, today + datetime.timedelta(days=cycle.opens_days_before)
    )


def next_due(
    cycle: UpdateCycle, own_dates: Iterable[datetime.date], today: datetime.date
) -> datetime.date | None:
    """The first due date on or after ``today`` (looking up to five years ahead)."""
    found = due_dates(cycle, own_dates, today, add_months(today, 60))
    return found[0] if found else None


def opens_on(cycle: UpdateCycle, due: datetime.date) -> datetime.date:
    """The day the round due on ``due`` opens: its requests go out."""
    return due - datetime.timedelta(days=cycle.opens_days_before)


def escalation_day(cycle: UpdateCycle, due: datetime.date) -> datetime.date:
    return due + datetime.timedelta(days=cycle.escalate_after)


def reminder_days(
    cycle: UpdateCycle, due: datetime.date, opened_on: datetime.date
) -> list[datetime.date]:
    """The round's reminder days, in order: ``remind_before`` days before the due date and
    ``remind_after`` days after it, each after the day the round opened (its requests have just
    gone) and before its escalation day (the lead officers are told then)."""
    days = {due - datetime.timedelta(days=n) for n in cycle.remind_before}
    days |= {due + datetime.timedelta(days=n) for n in cycle.remind_after}
    last = escalation_day(cycle, due)
    return sorted(d for d in days if opened_on < d < last)


def reminder_due(
    cycle: UpdateCycle, due: datetime.date, opened_on: datetime.date, today: datetime.date
) -> datetime.date | None:
    """The reminder day to send today: the latest that has come, unless the escalation day has
    come too. A reminder day missed (no `followup tick` ran on it) is not sent as well as a
    later one: a person gets one reminder at a time."""
    if today >= escalation_day(cycle, due):
        return None
    come = [d for d in reminder_days(cycle, due, opened_on) if d <= today]
    return come[-1] if come else None


def _days(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{text} day{'s' if len(numbers) > 1 or numbers[0] != 1 else ''}"


def describe(cycle: UpdateCycle, own_dates: Sequence[datetime.date]) -> list[str]:
    """The cycle in words, a sentence a line, for the page that shows it."""
    if cycle.kind == UpdateCycle.Kind.DATES:
        when = f"Updates are due on {len(own_dates)} date{'s' if len(own_dates) != 1 else ''} "
        when += "of the partnership's own."
    else:
        when = f"Updates are due {cycle.get_kind_display().lower()}"
        when += f", from {day(cycle.first_due_on)}." if cycle.first_due_on else "."
    lines = [when, f"The requests go out {_days([cycle.opens_days_before])} before the due date."]
    if cycle.remind_before:
        lines.append(f"Reminders go {_days(cycle.remind_before)} before the due date.")
    if cycle.remind_after:
        lines.append(f"Reminders go {_days(cycle.remind_after)} after the due date.")
    lines.append(
        f"Updates still missing {_days([cycle.escalate_after])} after the due date are "
        "escalated to the lead officers."
    )
    return lines
