"""Two saves of the same version at the same moment: the row lock makes the second wait for the
first, see its change and be refused; the first change survives.

The saves run in two threads with their own database connections. The first holds the row lock
until the second is seen waiting for it in ``pg_stat_activity``, so the test does not depend on
timing. Only PostgreSQL has row locks; on SQLite every write transaction begins IMMEDIATE, so
writers queue for the database lock (checked below), and the stale tests cover the rest.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from followup.audit import writes
from followup.plans import actions
from followup.plans.models import Action
from tests import factories as f
from tests.concurrency import first_held_until_the_second_waits


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

    def save(who: str, data: dict[str, Any]) -> Any:
        try:
            actions.update_action(users[who], Action.objects.get(pk=action.pk), data, version=token)
        except writes.Conflict as conflict:
            return conflict
        return "saved"

    lead, editor = first_held_until_the_second_waits(
        monkeypatch,
        writes,
        "lock",
        [
            lambda: save("lead", {"title": "The lead's"}),
            lambda: save("editor", {"title": "The editor's"}),
        ],
    )
    results = {"lead": lead, "editor": editor}

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
