"""The evidence's protected counts are kept between requests until the partnership's records
change (``evidence/kept.py``): worked out once, never shown stale after a change, and never
shared between audiences that see different counts."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from followup.evidence import actions, disclosed
from followup.evidence.kept import state_of
from followup.evidence.models import Coding


def _counting(monkeypatch: Any) -> list[int]:
    """Count how often the recommendation's themes are worked out."""
    calls: list[int] = []
    work_out = disclosed._themes_shown

    def counted(recommendation: Any, *, exact: bool) -> Any:
        calls.append(recommendation.pk)
        return work_out(recommendation, exact=exact)

    monkeypatch.setattr(disclosed, "_themes_shown", counted)
    return calls


def test_a_recommendations_evidence_is_worked_out_once_until_the_partnership_changes(
    world, themed, monkeypatch
):
    calls = _counting(monkeypatch)
    url = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    lead = world.client_for("lead")
    first = lead.get(url).content.decode()
    again = lead.get(url).content.decode()
    assert "Child or young person: 5 (5)" in first and "Child or young person: 5 (5)" in again
    assert len(calls) == 1
    _, linked, _ = themed
    coding = Coding.objects.filter(code=linked, source__title="T7").get()
    actions.remove_coding(world.users["lead"], coding)
    after = lead.get(url).content.decode()
    assert len(calls) == 2
    # Four is now a small count: shown to the lead, marked as one.
    assert 'Child or young person: <span class="followup-small-count">4<' in after


def test_a_viewer_never_gets_the_exact_counts_kept_for_a_lead(world, themed, monkeypatch):
    calls = _counting(monkeypatch)
    url = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    assert "Staff: " in world.client_for("lead").get(url).content.decode()
    viewer = world.client_for("viewer").get(url).content.decode()
    assert "Child or young person: [c]<br>Staff: [c]" in viewer
    assert "followup-small-count" not in viewer
    assert len(calls) == 2  # one answer for each audience


def test_another_partnerships_change_keeps_this_ones_answer(world, themed, monkeypatch):
    calls = _counting(monkeypatch)
    url = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    lead = world.client_for("lead")
    lead.get(url)
    other = world.away.partnership
    actions.create_code(world.users["outsider"], other, {"name": "Elsewhere"})
    lead.get(url)
    assert len(calls) == 1


def test_every_audited_change_and_a_partnership_made_again_name_a_new_state(world):
    partnership = world.home.partnership
    before = state_of(partnership)
    actions.create_code(world.users["lead"], partnership, {"name": "New theme"})
    changed = state_of(partnership)
    assert changed != before
    partnership.created_at += datetime.timedelta(seconds=1)
    assert state_of(partnership) != changed
