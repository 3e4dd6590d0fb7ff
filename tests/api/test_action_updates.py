"""Adding an action update through the API: the page's fields and messages, the same action, the
audit entry naming the token's user, and the refusals."""

from __future__ import annotations

import datetime
import json

import pytest

from followup.audit.models import AuditEntry
from followup.plans.models import ActionUpdate
from tests.api.conftest import Api, make_token, problem
from tests.conftest import World

TODAY = datetime.date.today()
GOOD = {"on": TODAY.isoformat(), "status": "in_progress", "rating": "on_track", "note": "Done."}


def url(world: World, site: str = "home", action: int | None = None) -> str:
    found = getattr(world, site)
    return f"/api/v1/partnerships/{found.partnership.slug}/actions/{action or found.action.pk}/updates/"


def writer(world: World, name: str) -> Api:
    return Api(make_token(world.users[name], write=True))


def test_a_contributors_write_token_adds_an_update_that_waits_audited_by_the_contributor(world):
    response = writer(world, "contributor").request("POST", url(world), GOOD)
    assert response.status_code == 201, response.content
    update = ActionUpdate.objects.get(note="Done.")
    assert json.loads(response.content) == {
        "id": update.pk,
        "action": world.home.action.pk,
        "on": TODAY.isoformat(),
        "status": "in_progress",
        "rating": "on_track",
        "note": "Done.",
        "author_name": "contributor",
        "state": "waiting",
        "returned_because": "",
        "revises": None,
        "created_at": update.created_at.isoformat().replace("+00:00", "Z"),
        "changed_at": update.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert response["Location"] == (f"http://testserver{url(world)}{update.pk}/")
    entries = AuditEntry.objects.filter(verb="action_update.create", object_id=str(update.pk))
    assert [(e.actor_name, e.actor_id) for e in entries] == [
        ("contributor", world.users["contributor"].pk)
    ]


def test_a_lead_officers_update_is_accepted_at_once_and_read_back_at_its_location(world):
    lead = writer(world, "lead")
    response = lead.request("POST", url(world), {**GOOD, "status": "complete"})
    assert response.status_code == 201, response.content
    body = lead.json(response["Location"].removeprefix("http://testserver"))
    assert (body["state"], body["author_name"], body["status"]) == ("accepted", "lead", "complete")
    world.home.action.refresh_from_db()
    assert world.home.action.status == "complete"
    assert AuditEntry.objects.filter(verb="action_update.accept", actor_name="lead").count() == 1


def test_a_read_token_gets_403_and_nothing_is_added(world, api):
    before = ActionUpdate.objects.count(), AuditEntry.objects.count()
    body = problem(api["lead"].request("POST", url(world), GOOD), 403)
    assert body["detail"] == (
        "This token is read-only. Make a token with write access to change anything."
    )
    assert (ActionUpdate.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("name", ["viewer", "inspector"])
def test_a_write_token_of_a_member_whose_role_may_not_add_updates_gets_403(world, name):
    body = problem(writer(world, name).request("POST", url(world), GOOD), 403)
    assert body["detail"] == (
        "Only contributors, editors, lead officers and administrators can add updates to the "
        "improvement plan's actions."
    )
    assert ActionUpdate.objects.filter(note="Done.").count() == 0


def test_the_outsiders_write_token_gets_404_for_a_homeshire_action_and_an_unknown_partnership(
    world,
):
    outsider = writer(world, "outsider")
    for address in (url(world), "/api/v1/partnerships/nowhere/actions/1/updates/"):
        body = problem(outsider.request("POST", address, GOOD), 404)
        assert body["detail"] == "Not found: there is no such object, or you may not see it."
    # Their own partnership's action by the number of Homeshire's: 404 too.
    problem(outsider.request("POST", url(world, "away", world.home.action.pk), GOOD), 404)
    assert ActionUpdate.objects.filter(note="Done.").count() == 0
    assert writer(world, "outsider").request("POST", url(world, "away"), GOOD).status_code == 201


def test_another_partnerships_action_is_404_for_a_member(world):
    response = writer(world, "lead").request("POST", url(world, "home", world.away.action.pk), GOOD)
    problem(response, 404)


def test_an_update_of_another_action_or_partnership_is_404_at_its_address(world, api):
    other = world.away.update.pk
    problem(api["lead"].get(f"{url(world)}{other}/"), 404)
    problem(api["outsider"].get(f"{url(world)}{world.home.update.pk}/"), 404)
    assert api["viewer"].json(f"{url(world)}{world.home.update.pk}/")["id"] == world.home.update.pk


def test_missing_and_wrong_fields_are_400_naming_each_with_the_pages_messages(world):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    body = problem(
        writer(world, "lead").request(
            "POST", url(world), {"on": tomorrow, "status": "finished", "note": "x" * 5001}
        ),
        400,
    )
    assert body["errors"] == [
        {"field": "on", "detail": "Date of the update must be today or in the past"},
        {"field": "status", "detail": "Choose status from the list"},
        {"field": "rating", "detail": "Choose progress against plan"},
        {
            "field": "note",
            "detail": "Ensure this value has at most 5000 characters (it has 5001).",
        },
    ]
    body = problem(
        writer(world, "lead").request("POST", url(world), {"on": "31 February 2024"}), 400
    )
    assert body["errors"][0] == {
        "field": "on",
        "detail": "Date of the update must be a real date, for example 27 March 2024",
    }
    assert ActionUpdate.objects.filter(action=world.home.action).count() == 1


def test_fields_the_form_does_not_have_or_that_are_not_text_are_400_naming_them(world):
    lead = writer(world, "lead")
    body = problem(lead.request("POST", url(world), {**GOOD, "author": "someone", "x": 1}), 400)
    assert body["errors"] == [
        {
            "field": "author",
            "detail": "Followup does not know this field: send on, status, rating and note.",
        },
        {
            "field": "x",
            "detail": "Followup does not know this field: send on, status, rating and note.",
        },
    ]
    body = problem(lead.request("POST", url(world), {**GOOD, "note": ["a"], "rating": 3}), 400)
    assert body["errors"] == [
        {"field": "rating", "detail": "Send this field as text."},
        {"field": "note", "detail": "Send this field as text."},
    ]
    # A field the form does not have hides no other problem: each is named at once.
    body = problem(lead.request("POST", url(world), {**GOOD, "status": "bogus", "extra": "1"}), 400)
    assert [e["field"] for e in body["errors"]] == ["extra", "status"]
    for sent in ([GOOD], "note"):
        body = problem(lead.request("POST", url(world), sent), 400)
        assert body["errors"][0]["field"] == ""
    assert ActionUpdate.objects.filter(action=world.home.action).count() == 1


def test_a_body_that_is_not_json_is_400_as_a_problem(world):
    lead = writer(world, "lead")
    response = lead.client.post(
        url(world), "{not json", content_type="application/json", headers=lead.headers
    )
    body = problem(response, 400)
    assert body["detail"] == (
        "The request's body could not be read: it is listed with the field it is about."
    )
    assert body["errors"] == [
        {
            "field": "body",
            "detail": "The body is not JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1).",
        }
    ]
