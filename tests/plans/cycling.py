"""The scene the update cycle's tests share: the world's home partnership with a quarterly cycle,
and actions each asked of someone else, and a clock the tests move."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from followup.cli import build_parser
from followup.lib import clock
from followup.partnerships.models import Organisation
from followup.plans.models import Action, UpdateCycle
from tests import factories as f
from tests.conftest import World

D = datetime.date
DUE = D(2026, 3, 31)  # the first due date: its round opens 14 days before, on 17 March
OPENS = D(2026, 3, 17)

Move = Callable[[datetime.date], None]


def clock_mover(monkeypatch: pytest.MonkeyPatch) -> Move:
    """A function that moves the clock the cycle reads to nine in the morning of a day."""

    def move(day: datetime.date) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        monkeypatch.setattr(clock, "now", lambda: moment)
        monkeypatch.setattr(clock, "today", lambda: day)

    return move


@dataclass
class Scene:
    world: World
    cycle: UpdateCycle
    led: Action  # the world's action, led by the contributor
    contacted: Action  # no lead person: its organisation's contact, the editor, is asked
    unasked: Action  # no lead person, no organisation: no one to ask
    closed: Action  # complete: never asked
    nhs: Organisation

    def user(self, name: str) -> Any:
        return self.world.users[name]


def build_scene(world: World) -> Scene:
    """Home's plan with a quarterly cycle from 31 March 2026 (requests 14 days before, a
    reminder 7 days before and 3 after, escalation 10 days after), every member of the cast
    with an email address."""
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    home = world.home
    led = home.action
    led.lead_user = world.users["contributor"]
    led.save(update_fields=["lead_user"])
    nhs: Any = f.OrganisationFactory(
        partnership=home.partnership, name="Homeshire NHS Board", contact=world.users["editor"]
    )
    contacted: Any = f.ActionFactory(
        partnership=home.partnership, title="Recruit foster carers", owner_organisation=nhs
    )
    unasked: Any = f.ActionFactory(partnership=home.partnership, title="Write the guidance")
    closed: Any = f.ActionFactory(
        partnership=home.partnership,
        title="Close the old unit",
        status="complete",
        lead_user=world.users["contributor"],
    )
    cycle = UpdateCycle.objects.create(
        partnership=home.partnership,
        kind=UpdateCycle.Kind.QUARTERLY,
        first_due_on=DUE,
        opens_days_before=14,
        remind_before=[7],
        remind_after=[3],
        escalate_after=10,
    )
    return Scene(world, cycle, led, contacted, unasked, closed, nhs)


def tick(capsys: Any) -> str:
    """Run ``followup tick`` once, in this process; what it printed."""
    args = build_parser().parse_args(["tick"])
    assert args.handler(args) == 0
    return str(capsys.readouterr().out)
