"""The improvement plan through the API: its actions as the plan page lists and filters them,
and each action's updates as its page shows them."""

from __future__ import annotations

import datetime

from tests.api.conftest import problem
from tests.factories import ActionFactory, ActionUpdateFactory, UpdateDecisionFactory

ACTIONS = "/api/v1/partnerships/home/actions/"


def test_a_viewer_reads_the_action_with_its_latest_accepted_update(api, world):
    site = world.home
    page = api["viewer"].json(ACTIONS)
    assert [a["id"] for a in page["results"]] == [site.action.pk]
    action = page["results"][0]
    assert api["viewer"].json(f"{ACTIONS}{site.action.pk}/") == action
    assert action["title"] == "Plan action for Homeshire"
    assert action["owner_organisation"] == {
        "id": site.organisation.pk,
        "name": "Homeshire Council",
        "kind": site.organisation.kind,
    }
    assert action["recommendations"] == [
        {"id": site.recommendation.pk, "number": 1, "inspection": site.inspection.pk}
    ]
    assert (action["status"], action["rating"]) == ("in_progress", "on_track")
    assert action["latest_update"] == {
        "id": site.update.pk,
        "on": "2017-06-01",
        "status": "in_progress",
        "rating": "on_track",
        "note": "Update about Homeshire",
    }


def test_updates_waiting_and_returned_are_listed_with_their_state_newest_first(api, world):
    action = world.home.action
    waiting = ActionUpdateFactory(action=action, on=datetime.date(2018, 3, 1), decision=None)
    returned = ActionUpdateFactory(action=action, on=datetime.date(2018, 2, 1), decision=None)
    UpdateDecisionFactory(update=returned, outcome="returned", reason="Say what changed.")
    page = api["contributor"].json(f"{ACTIONS}{action.pk}/updates/")
    assert [(u["id"], u["state"], u["returned_because"]) for u in page["results"]] == [
        (waiting.pk, "waiting", ""),
        (returned.pk, "returned", "Say what changed."),
        (world.home.update.pk, "accepted", ""),
    ]
    # Only an accepted update is the action's progress, as on the plan page.
    assert api["contributor"].json(f"{ACTIONS}{action.pk}/")["latest_update"]["id"] == (
        world.home.update.pk
    )


def test_actions_are_filtered_and_sorted_as_on_the_plan_page(api, world):
    partnership = world.home.partnership
    done = ActionFactory(
        partnership=partnership, status="complete", due_date=datetime.date(2019, 1, 1)
    )
    soon = ActionFactory(partnership=partnership, due_date=datetime.date(2018, 1, 1))
    ids = [a["id"] for a in api["lead"].json(ACTIONS)["results"]]
    assert ids == [soon.pk, done.pk, world.home.action.pk]  # by due date
    assert [a["id"] for a in api["lead"].json(ACTIONS, status="complete")["results"]] == [done.pk]
    by_recommendation = api["lead"].json(ACTIONS, recommendation=world.home.recommendation.pk)
    assert [a["id"] for a in by_recommendation["results"]] == [world.home.action.pk]
    assert [a["rating"] for a in api["lead"].json(ACTIONS, rating="complete")["results"]] == [
        "complete"
    ]


def test_a_filter_the_plan_does_not_know_is_400_naming_it(api):
    body = problem(api["lead"].get(ACTIONS, status="finished", sort="colour", colour="red"), 400)
    assert body["errors"] == [
        {"field": "status", "detail": '"finished" is not a valid choice.'},
        {"field": "sort", "detail": '"colour" is not a valid choice.'},
    ]
    body = problem(api["lead"].get(ACTIONS, colour="red"), 400)
    assert body["errors"] == [
        {"field": "colour", "detail": "This address does not take this parameter."}
    ]
    body = problem(api["lead"].get(ACTIONS, recommendation="x"), 400)
    assert body["errors"] == [{"field": "recommendation", "detail": "A valid integer is required."}]


def test_another_partnerships_recommendation_filters_to_nothing(api, world):
    page = api["lead"].json(ACTIONS, recommendation=world.away.recommendation.pk)
    assert page["results"] == []


def test_outsider_token_gets_404_for_every_homeshire_action_and_update(api, world):
    action = world.home.action.pk
    for path in (ACTIONS, f"{ACTIONS}{action}/", f"{ACTIONS}{action}/updates/"):
        problem(api["outsider"].get(path), 404)
    problem(api["outsider"].get(f"/api/v1/partnerships/away/actions/{action}/updates/"), 404)


def test_the_plans_updates_since_a_moment_catch_a_copy_up_in_the_order_written(api, world):
    from django.utils import timezone

    from followup.plans.models import ActionUpdate, UpdateDecision

    old = world.home.update
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    ActionUpdate.objects.filter(pk=old.pk).update(created_at=three_days_ago)
    UpdateDecision.objects.filter(update=old).update(made_at=three_days_ago)
    later = [ActionUpdateFactory(action=world.home.action, decision=None) for _ in range(2)]
    url = "/api/v1/partnerships/home/updates/"
    assert [u["id"] for u in api["viewer"].json(url)["results"]] == [old.pk, *[u.pk for u in later]]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert [u["id"] for u in api["viewer"].json(url, since=since)["results"]] == [
        u.pk for u in later
    ]
    body = problem(api["viewer"].get(url, since="yesterday"), 400)
    assert [e["field"] for e in body["errors"]] == ["since"]
    problem(api["outsider"].get(url), 404)


def test_an_older_update_accepted_since_is_caught_up_with_its_new_state(api, world):
    """A copy kept with ``since`` learns of a decision on an update it read while it waited."""
    from django.utils import timezone

    from followup.plans.models import ActionUpdate, UpdateDecision

    url = "/api/v1/partnerships/home/updates/"
    week_ago = timezone.now() - datetime.timedelta(days=7)
    ActionUpdate.objects.filter(pk=world.home.update.pk).update(created_at=week_ago)
    UpdateDecision.objects.filter(update=world.home.update).update(made_at=week_ago)
    waiting = ActionUpdateFactory(action=world.home.action, decision=None)
    ActionUpdate.objects.filter(pk=waiting.pk).update(created_at=week_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert api["viewer"].json(url, since=since)["results"] == []
    UpdateDecision.objects.create(update=waiting, outcome="accepted", by_name="Lead")
    rows = api["viewer"].json(url, since=since)["results"]
    assert [(u["id"], u["state"]) for u in rows] == [(waiting.pk, "accepted")]
    assert rows[0]["changed_at"] > rows[0]["created_at"]
    assert api["viewer"].json(url, since=rows[0]["changed_at"])["results"] == rows
