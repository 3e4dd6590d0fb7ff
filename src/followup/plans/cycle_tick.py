"""The update cycle's step of ``followup tick``: open the rounds that are due, then, for every
round still running, send its digests, its reminders and, from its escalation day, its
escalation. Each part is idempotent, so the step may run as often as wanted (every five minutes)
and by several processes at once: a round is opened once, and each message sent once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from followup.lib import clock
from followup.lib.types import Actor
from followup.mail.models import Message
from followup.plans import actions_cycle, cycle_mail, queries_cycle
from followup.plans import cycle as calendar

NO_ADDRESS = (
    "The update cycle did nothing: FOLLOWUP_BASE_URL is not set, so its emails could not link "
    "to Followup (docs/configuration.md)."
)


@dataclass
class CycleRun:
    """What one run did: rounds opened, requests made and escalated, and the messages recorded
    by (kind, state)."""

    rounds: int = 0
    requests: int = 0
    escalated: int = 0
    messages: Counter[tuple[str, str]] = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        """The run in words, for ``followup tick``'s output."""
        sent = Message.State.SENT
        return {
            "update rounds opened": self.rounds,
            "update requests made": self.requests,
            "update request emails sent": self.messages[(Message.Kind.DIGEST, sent)],
            "reminders sent": self.messages[(Message.Kind.REMINDER, sent)],
            "update requests escalated": self.escalated,
            "escalation emails sent": self.messages[(Message.Kind.ESCALATION, sent)],
            "emails not sent, as their readers asked": sum(
                n for (_, state), n in self.messages.items() if state == Message.State.NOT_SENT
            ),
            "emails that failed": sum(
                n for (_, state), n in self.messages.items() if state == Message.State.FAILED
            ),
        }


class NoAddress(Exception):
    """FOLLOWUP_BASE_URL is not set: the emails could not link to Followup."""


def run_cycle(actor: Actor) -> CycleRun:
    """Open what is due and send what is due, today (``clock.today()``)."""
    if not settings.BASE_URL:
        raise NoAddress(NO_ADDRESS)
    today, done = clock.today(), CycleRun()
    for cycle in queries_cycle.active_cycles():
        for due in calendar.to_open(cycle, queries_cycle.own_dates(cycle), today):
            round_ = actions_cycle.open_round(actor, cycle.partnership, due)
            if round_ is not None:
                done.rounds += 1
                done.requests += round_.requests.count()
    for round_, cycle in queries_cycle.live_rounds(today):
        messages = cycle_mail.send_digests(round_, today)
        messages += cycle_mail.send_reminders(round_, cycle, today)
        escalated, told = cycle_mail.send_escalations(actor, round_, cycle, today)
        done.escalated += escalated
        for message in messages + told:
            done.messages[(message.kind, message.state)] += 1
    return done
