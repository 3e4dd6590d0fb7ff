"""An action update is read at its own action's address only: the address of another action of
the same partnership, with the update's number, is not found (it would show the update as if it
were that action's)."""

from __future__ import annotations

from tests import factories as f
from tests.api.conftest import Api, make_token, problem


def _address(slug: str, action: int, update: int) -> str:
    return f"/api/v1/partnerships/{slug}/actions/{action}/updates/{update}/"


def test_an_update_at_the_address_of_another_action_of_the_same_partnership_is_404(world):
    home = world.home
    other = f.ActionFactory(partnership=home.partnership, title="Another action")
    api = Api(make_token(world.users["lead"]))
    body = problem(api.get(_address("home", other.pk, home.update.pk)), 404)
    assert body["detail"] == "Not found: there is no such object, or you may not see it."
    found = api.json(_address("home", home.action.pk, home.update.pk))
    assert (found["id"], found["action"], found["note"]) == (
        home.update.pk,
        home.action.pk,
        "Update about Homeshire",
    )


def test_the_outsider_gets_404_for_the_update_at_either_address(world):
    home = world.home
    other = f.ActionFactory(partnership=home.partnership, title="Another action")
    api = Api(make_token(world.users["outsider"]))
    for action in (home.action.pk, other.pk):
        problem(api.get(_address("home", action, home.update.pk)), 404)
