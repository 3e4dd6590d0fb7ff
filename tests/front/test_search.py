"""The search page: the database's own full-text search (SQLite's FTS5 here by default,
PostgreSQL's when DATABASE_URL names one), scoped to what the person may see."""

from __future__ import annotations

import datetime
import sqlite3
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from followup.evidence import actions as evidence_actions
from followup.front import searchindex
from followup.front.queries import search_partnership
from followup.plans import actions as plan_actions
from followup.plans.models import Action


def found(world: Any, who: str, text: str, slug: str = "home") -> dict[str, list[str]]:
    """What ``who`` finds for ``text``: the titles of each kind of thing found."""
    _, kinds = search_partnership(world.users[who], slug, text)
    return {k.key: [item.title for item in k.items] for k in kinds if k.count}


def test_pythons_sqlite_has_fts5():
    # The embedded default's search needs FTS5, compiled into Python's own SQLite.
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(body)")


def test_search_finds_an_action_by_a_word_in_its_latest_update(world):
    action = world.home.action
    plan_actions.add_update(
        world.users["contributor"],
        action,
        {
            "on": datetime.date(2024, 3, 1),
            "status": "in_progress",
            "rating": "on_track",
            "note": "The trampolines arrived for the family centres.",
        },
    )
    response = world.client_for("viewer").get("/p/home/search/", {"q": "trampoline"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 result for “trampoline”" in page
    assert f'href="/p/home/actions/{action.pk}/"' in page
    assert "Update of 1 March 2024" in page
    assert found(world, "viewer", "family centre trampolines") == {"updates": [action.title]}


def test_search_finds_recommendations_actions_and_indicators_by_their_words(world):
    assert found(world, "viewer", "planning Homeshire")["recommendations"] == ["Recommendation 1"]
    assert found(world, "viewer", "action Homeshire")["actions"] == ["Plan action for Homeshire"]
    assert found(world, "viewer", "looked after")["indicators"] == ["Looked after in Homeshire"]


def test_outsider_never_finds_another_partnerships_text(world):
    # "Homeshire" is only in the home partnership's text; the outsider leads "away".
    assert found(world, "outsider", "Homeshire", slug="away") == {}
    assert found(world, "lead", "Awayshire") == {}
    assert found(world, "outsider", "Awayshire", slug="away") != {}
    response = world.client_for("outsider").get("/p/home/search/", {"q": "Homeshire"})
    assert response.status_code == 404


def test_viewer_finds_only_approved_quotes_and_only_by_their_published_words(world):
    quote = world.home.quote  # "Staff in [place] feel supported.": "Homeshire" is hidden
    assert "quotes" not in found(world, "viewer", "supported")  # proposed, not approved
    assert found(world, "lead", "supported")["quotes"] == ["Quote: Support in Homeshire"]
    evidence_actions.approve_quote(world.users["lead"], quote)
    assert found(world, "viewer", "supported")["quotes"] == ["Quote: Support in Homeshire"]
    # The hidden word finds the quote for those who may read the original words only.
    assert "quotes" not in found(world, "viewer", "Homeshire feel")
    assert found(world, "lead", "Homeshire feel")["quotes"] == ["Quote: Support in Homeshire"]


def test_only_those_who_read_evidence_find_sources(world):
    assert found(world, "contributor", "waiting lists")["sources"] == ["Staff survey, Homeshire"]
    assert found(world, "viewer", "waiting lists") == {}


def test_the_index_follows_a_changed_action_title_and_a_deleted_action(world):
    action = world.home.action
    plan_actions.update_action(world.users["lead"], action, {"title": "Open the hubs"})
    assert found(world, "viewer", "hubs")["actions"] == ["Open the hubs"]
    assert "actions" not in found(world, "viewer", "Plan action")
    Action.objects.filter(pk=action.pk).delete()  # with its updates
    assert found(world, "viewer", "hubs") == {}
    assert "updates" not in found(world, "viewer", "Update about Homeshire")


@pytest.mark.parametrize(
    "text", ['" OR *', "NEAR(a b)", "title:x", "'; DROP TABLE plans_action; --", "-", "AND"]
)
def test_operators_and_punctuation_are_searched_as_words_never_an_error(world, text):
    response = world.client_for("viewer").get("/p/home/search/", {"q": text})
    assert response.status_code == 200


def test_the_search_page_without_words_shows_the_box_only(world):
    response = world.client_for("viewer").get(reverse("front:search", args=["home"]))
    assert response.status_code == 200
    assert b'name="q"' in response.content
    assert b"result" not in response.content


def test_the_index_is_made_again_after_a_migration_drops_its_triggers(world):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads the tables themselves")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_action_au")
    searchindex.ensure()
    plan_actions.update_action(world.users["lead"], world.home.action, {"title": "Open the hubs"})
    assert found(world, "viewer", "hubs")["actions"] == ["Open the hubs"]
