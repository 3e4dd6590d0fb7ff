"""An inspector edits a grade and a recommendation through their forms, as a browser sends them."""

from __future__ import annotations

from django.urls import reverse

from followup.inspections.models import Evaluation, Recommendation
from tests import factories as f
from tests.browserlike import edit


def test_an_inspector_changes_a_grade_and_then_leaves_the_quality_indicator_not_graded(world):
    evaluation = world.home.evaluation
    url = reverse("inspections:evaluation_edit", args=["home", evaluation.pk])
    client = world.client_for("inspector")
    response = edit(client, url, {"grade": "5"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Evaluation.objects.get(pk=evaluation.pk).grade == 5
    response = edit(client, url, {"grade": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Evaluation.objects.get(pk=evaluation.pk).grade is None


def test_another_partnerships_lead_gets_404_on_the_grade_form(world):
    url = reverse("inspections:evaluation_edit", args=["home", world.home.evaluation.pk])
    client = world.client_for("outsider")
    assert client.get(url).status_code == 404
    assert client.post(url, {"grade": "6", "basis": "stated"}).status_code == 404
    assert Evaluation.objects.get(pk=world.home.evaluation.pk).grade == 3


def test_an_inspector_rewords_a_recommendation_keeping_its_own_number(world):
    recommendation = world.home.recommendation
    url = reverse("inspections:recommendation_edit", args=["home", recommendation.pk])
    response = edit(world.client_for("inspector"), url, {"text": "Improve planning sooner"})
    assert response.status_code == 302, response.content.decode()[:500]
    changed = Recommendation.objects.get(pk=recommendation.pk)
    assert (changed.number, changed.text) == (1, "Improve planning sooner")


def test_an_edited_recommendation_cannot_take_another_recommendations_number(world):
    f.RecommendationFactory(inspection=world.home.inspection, number=2, text="Second")
    recommendation = world.home.recommendation
    url = reverse("inspections:recommendation_edit", args=["home", recommendation.pk])
    response = edit(world.client_for("inspector"), url, {"number": "2"})
    assert response.status_code == 200
    assert (
        '<a href="#id_number">Recommendation 2 already exists in this inspection</a>'
        in response.content.decode()
    )
    assert Recommendation.objects.get(pk=recommendation.pk).number == 1


def test_another_partnerships_lead_gets_404_on_the_recommendation_form(world):
    recommendation = world.home.recommendation
    url = reverse("inspections:recommendation_edit", args=["home", recommendation.pk])
    client = world.client_for("outsider")
    assert client.get(url).status_code == 404
    assert client.post(url, {"number": "1", "text": "Taken over"}).status_code == 404
    assert Recommendation.objects.get(pk=recommendation.pk).text == "Improve planning in Homeshire"
