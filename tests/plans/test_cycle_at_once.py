"""Two runs of the update cycle at the same moment (two `followup tick`s, or a tick and a
worker's retry) make one round, one request per action and one message per event.

The runs go in two threads with their own database connections. The first holds its
transaction open, with the round made, until the second is seen waiting for it in
``pg_stat_activity``, so the test does not depend on timing. Only PostgreSQL lets two writers
in at once; on SQLite every write transaction begins IMMEDIATE and the second waits for the
first before it reads anything (tests/plans/test_cycle.py runs the cycle again and again)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core import mail as django_mail
from django.db import connection

from followup.lib.types import CommandLine
from followup.mail.models import Message
from followup.plans import cycle_tick, queries_cycle
from followup.plans.models import UpdateRequest, UpdateRound
from tests.conftest import build_world
from tests.plans.cycling import OPENS, build_scene, clock_mover


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        (count,) = cursor.fetchone()
    return bool(count)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two writers at once: PostgreSQL")
def test_two_runs_at_once_open_one_round_and_send_each_message_once(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = build_scene(build_world())
    clock_mover(monkeypatch)(OPENS)
    held, release = threading.Event(), threading.Event()
    open_actions = queries_cycle.open_actions

    def hold_with_the_round_made(partnership: Any) -> Any:
        if threading.current_thread().name == "first":
            held.set()
            release.wait(timeout=60)
        return open_actions(partnership)

    monkeypatch.setattr(queries_cycle, "open_actions", hold_with_the_round_made)
    done: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            done[name] = cycle_tick.run_cycle(CommandLine(name))
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",), name="first")
    first.start()
    assert held.wait(timeout=60)
    second = threading.Thread(target=run, args=("second",), name="second")
    second.start()
    deadline = time.monotonic() + 60
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the second run never waited for the first's round"
        time.sleep(0.01)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert (done["first"].rounds, done["second"].rounds) == (1, 0)
    assert UpdateRound.objects.count() == 1
    assert UpdateRequest.objects.count() == 3
    people = ("contributor", "editor", "lead")
    assert sorted(m.to[0] for m in django_mail.outbox) == [f"{p}@example.org" for p in people]
    assert Message.objects.count() == 3
    assert scene.cycle.partnership.update_rounds.get().requests.count() == 3
