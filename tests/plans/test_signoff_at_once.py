"""Two people decide the same update at once, in two threads on PostgreSQL: the first holds the
action's row while it decides, the second waits for it, then is told who decided; one decision,
never a server error. (On SQLite writers take turns; tests/plans/test_signoff.py covers the
moment between the check and the write.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition's string)
from django.urls import reverse

from followup.plans import actions
from followup.plans.models import UpdateDecision
from tests import factories as f
from tests.concurrency import first_held_until_the_second_waits
from tests.conftest import World
from tests.core.test_double_submits import postgresql_only


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_leads_deciding_one_update_at_once_make_one_decision_and_the_second_is_told(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: Any = f.ActionUpdateFactory(action=world.home.action, decision=None)
    lead, admin = world.client_for("lead"), world.client_for("admin")
    url = reverse("plans:update_accept", args=["home", waiting.pk])
    results = first_held_until_the_second_waits(
        monkeypatch, actions, "_decide", [lambda: lead.post(url), lambda: admin.post(url)]
    )
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    told = admin.get(results[1]["Location"]).content.decode()
    assert "This update was already accepted by lead (" in told
    assert list(UpdateDecision.objects.filter(update=waiting).values_list("by_name")) == [("lead",)]
