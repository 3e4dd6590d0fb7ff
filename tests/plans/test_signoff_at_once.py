"""Two people decide the same update at once, in two threads on PostgreSQL: the first holds the
action's row while it decides, the second waits for it, then is told who decided; one decision,
never a server error. (On SQLite writers take turns; tests/plans/test_signoff.py covers the
moment between the check and the write.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from followup.plans import actions
from followup.plans.models import UpdateDecision
from tests import factories as f
from tests.conftest import World
from tests.core.test_double_submits import _waiting_for_a_lock, postgresql_only


def _first_holds_until_the_second_waits(
    monkeypatch: pytest.MonkeyPatch, posts: list[Callable[[], Any]]
) -> list[Any]:
    held, release = threading.Event(), threading.Event()
    real = actions._decide

    def decide_and_hold(*args: Any, **kwargs: Any) -> Any:
        decision = real(*args, **kwargs)
        if threading.current_thread().name == "first":
            held.set()
            release.wait(timeout=60)
        return decision

    monkeypatch.setattr(actions, "_decide", decide_and_hold)
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            results[index] = posts[index]()
        except BaseException as error:  # a server error surfaces here in the test client
            results[index] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=(0,), name="first")
    first.start()
    assert held.wait(timeout=60)
    second = threading.Thread(target=run, args=(1,), name="second")
    second.start()
    deadline = time.monotonic() + 60
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the second decision never waited for the first"
        time.sleep(0.01)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_leads_deciding_one_update_at_once_make_one_decision_and_the_second_is_told(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: Any = f.ActionUpdateFactory(action=world.home.action, decision=None)
    lead, admin = world.client_for("lead"), world.client_for("admin")
    url = reverse("plans:update_accept", args=["home", waiting.pk])
    results = _first_holds_until_the_second_waits(
        monkeypatch, [lambda: lead.post(url), lambda: admin.post(url)]
    )
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    told = admin.get(results[1]["Location"]).content.decode()
    assert "This update was already accepted by lead (" in told
    assert list(UpdateDecision.objects.filter(update=waiting).values_list("by_name")) == [("lead",)]
