"""Two runs of the update cycle at the same moment (two `followup tick`s, or a tick and a
worker's retry) make one round, one request per action and one message per event.

The runs go in two threads with their own database connections (``tests.concurrency``). The
first holds its transaction open, with the round made, until the second is seen waiting for it
in ``pg_stat_activity``, so the test does not depend on timing. Only PostgreSQL lets two writers
in at once; on SQLite every write transaction begins IMMEDIATE and the second waits for the
first before it reads anything (tests/plans/test_cycle.py runs the cycle again and again)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as django_mail
from django.db import connection  # noqa: F401  (read by the skipif condition's string)

from followup.lib.types import CommandLine
from followup.mail.models import Message
from followup.plans import cycle_tick, queries_cycle
from followup.plans.models import UpdateRequest, UpdateRound
from tests.concurrency import first_held_until_the_second_waits
from tests.conftest import build_world
from tests.plans.cycling import OPENS, build_scene, clock_mover


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two writers at once: PostgreSQL")
def test_two_runs_at_once_open_one_round_and_send_each_message_once(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = build_scene(build_world())
    clock_mover(monkeypatch)(OPENS)
    # The first run is held with its round made, before it asks the actions.
    done = first_held_until_the_second_waits(
        monkeypatch,
        queries_cycle,
        "open_actions",
        [
            lambda: cycle_tick.run_cycle(CommandLine("first")),
            lambda: cycle_tick.run_cycle(CommandLine("second")),
        ],
        before=True,
    )
    assert not any(isinstance(run, BaseException) for run in done), done
    assert (done[0].rounds, done[1].rounds) == (1, 0)
    assert UpdateRound.objects.count() == 1
    assert UpdateRequest.objects.count() == 3
    people = ("contributor", "editor", "lead")
    assert sorted(m.to[0] for m in django_mail.outbox) == [f"{p}@example.org" for p in people]
    assert Message.objects.count() == 3
    assert scene.cycle.partnership.update_rounds.get().requests.count() == 3
