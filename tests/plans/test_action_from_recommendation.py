"""A new action started from a recommendation's page comes with that recommendation ticked."""

from __future__ import annotations

from django.urls import reverse

from followup.plans.models import Action
from tests import factories as f
from tests.browserlike import change, submit
from tests.plans.test_signoff import keyed


def test_an_editor_adds_an_action_answering_the_recommendation_it_was_started_from(world):
    other = f.RecommendationFactory(inspection=world.home.inspection, number=2, text="Second")
    client = world.client_for("editor")
    url = reverse("plans:create", args=["home"])
    page = client.get(url, {"recommendation": other.pk})
    assert page.status_code == 200
    form = keyed(page.content.decode())
    assert form.data()["recommendations"] == [str(other.pk)]  # ticked, and only it
    response = submit(client, url, change(form, {"title": "Answer the second"}))
    assert response.status_code == 302, response.content.decode()[:500]
    action = Action.objects.get(title="Answer the second")
    assert list(action.recommendations.all()) == [other]
    assert action.status == "not_started"


def test_a_new_action_started_without_a_recommendation_has_none_ticked(world):
    page = world.client_for("editor").get(reverse("plans:create", args=["home"]))
    assert "recommendations" not in keyed(page.content.decode()).data()


def test_another_partnerships_lead_gets_404_starting_an_action_from_a_recommendation(world):
    response = world.client_for("outsider").get(
        reverse("plans:create", args=["home"]), {"recommendation": world.home.recommendation.pk}
    )
    assert response.status_code == 404
