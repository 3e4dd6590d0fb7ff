"""Two saves of the same version at the same moment: the row lock makes the second wait for the
first, see its change and be refused; the first change survives.

The saves run in two threads with their own database connections. The first holds the row lock
until the second is seen waiting for it in ``pg_stat_activity``, so the test does not depend on
timing. Only PostgreSQL has row locks; on SQLite every write transaction begins IMMEDIATE, so
writers queue for the database lock (checked below), and the stale tests cover the rest.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from followup.audit import writes
from followup.plans import actions
from followup.plans.models import Action
from tests import factories as f
from tests.concurrency import waiting_for_a_lock


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's")
def test_two_simultaneous_saves_of_one_version_one_saves_and_the_other_is_refused(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    partnership = f.PartnershipFactory(slug="home")
    action: Any = f.ActionFactory(partnership=partnership, title="Before")
    users: dict[str, Any] = {}
    for name in ("lead", "editor"):
        users[name] = f.UserFactory(username=name)
        f.MembershipFactory(user=users[name], partnership=partnership, role=name)
    token = writes.version(action, actions.ACTION_EDITS)
    held, release = threading.Event(), threading.Event()
    lock = writes.lock

    def lock_and_hold(obj: Any) -> Any:
        locked = lock(obj)
        if threading.current_thread().name == "lead":
            held.set()
            release.wait(timeout=60)
        return locked

    monkeypatch.setattr(writes, "lock", lock_and_hold)
    results: dict[str, Any] = {}

    def save(who: str, data: dict[str, Any]) -> None:
        try:
            mine = Action.objects.get(pk=action.pk)
            actions.update_action(users[who], mine, data, version=token)
            results[who] = "saved"
        except writes.Conflict as conflict:
            results[who] = conflict
        finally:
            connection.close()

    lead = threading.Thread(target=save, args=("lead", {"title": "The lead's"}), name="lead")
    lead.start()
    assert held.wait(timeout=60)
    editor = threading.Thread(target=save, args=("editor", {"title": "The editor's"}), name="ed")
    editor.start()
    deadline = time.monotonic() + 60
    while not waiting_for_a_lock():
        assert time.monotonic() < deadline, "the second save never waited for the row lock"
        time.sleep(0.01)
    release.set()
    lead.join(timeout=60)
    editor.join(timeout=60)

    assert results["lead"] == "saved"
    refused = results["editor"]
    assert isinstance(refused, writes.Conflict) and refused.reason == writes.Conflict.STALE
    assert [(c.name, c.old, c.now, c.by) for c in refused.changes] == [
        ("title", "Before", "The lead's", "lead")
    ]
    action.refresh_from_db()
    assert action.title == "The lead's"


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's write lock")
def test_on_sqlite_every_write_transaction_takes_the_write_lock_when_it_begins(db):
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
