"""An inspector grades, regrades and edits a recommendation through the forms, as a browser sends
them, each grade on the record."""

from __future__ import annotations

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.inspections.models import Evaluation, Recommendation
from tests import factories as f
from tests.browserlike import change, edit, page_form, submit
from tests.conftest import World


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


def test_an_inspector_grades_another_quality_indicator_of_the_inspection(world: World):
    inspection = world.home.inspection
    url = reverse("inspections:evaluation_create", args=["home", inspection.pk])
    client = world.client_for("inspector")
    page = client.get(url)
    assert page.status_code == 200
    qi = inspection.framework.assessable_indicators().exclude(
        pk=world.home.evaluation.quality_indicator_id
    )[0]
    form = change(page_form(page.content.decode()), {"quality_indicator": str(qi.pk), "grade": "4"})
    response = submit(client, url, form)
    assert response.status_code == 302
    made = Evaluation.objects.get(inspection=inspection, quality_indicator=qi)
    assert made.grade == 4
    assert AuditEntry.objects.filter(verb="evaluation.create", object_id=str(made.pk)).exists()


def test_regrading_and_then_ungrading_is_recorded_grade_by_grade(world: World):
    evaluation = world.home.evaluation
    url = reverse("inspections:evaluation_edit", args=["home", evaluation.pk])
    client = world.client_for("inspector")
    assert edit(client, url, {"grade": "5"}).status_code == 302
    assert edit(client, url, {"grade": ""}).status_code == 302
    changes = [
        e.changes["grade"]
        for e in AuditEntry.objects.filter(
            verb="evaluation.update", object_id=str(evaluation.pk)
        ).order_by("id")
    ]
    assert changes == [[3, 5], [5, None]]
