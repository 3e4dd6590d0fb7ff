from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from followup.frameworks.models import Framework
from followup.inspections import actions
from followup.inspections.models import Inspection
from tests.submissions import key


def test_inspector_records_an_inspection_and_the_scale_is_copied_into_it(world):
    framework = Framework.objects.get(urn="urn:followup:framework:ci-children-2012")
    response = world.client_for("inspector").post(
        "/p/home/inspections/new/",
        {
            **key(world.users["inspector"]),
            "title": "Second inspection",
            "framework": framework.pk,
            "status": "draft",
            "fieldwork_start": "2024-01-08",
            "fieldwork_end": "2024-02-02",
            "key_messages": "One\n\nTwo\n",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(title="Second inspection")
    assert inspection.scale == framework.scale.levels
    assert inspection.key_message_list() == ["One", "Two"]
    # Later edits to the framework's scale never change a past judgement.
    framework.scale.levels = [{"value": 1, "word": "Changed", "meaning": "x"}]
    framework.scale.save()
    inspection.refresh_from_db()
    assert inspection.scale[0]["word"] == "Excellent"


def test_inspection_form_rejects_fieldwork_ending_before_it_starts_and_a_missing_title(world):
    response = world.client_for("inspector").post(
        "/p/home/inspections/new/",
        {
            "title": "",
            "status": "draft",
            "fieldwork_start": "2024-02-02",
            "fieldwork_end": "2024-01-08",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_title">Enter title</a>' in html
    assert (
        '<a href="#id_fieldwork_end">Fieldwork end must be on or after fieldwork start</a>' in html
    )
    assert "<title>Error: " in html


def test_inspection_form_rejects_an_impossible_date(world):
    response = world.client_for("inspector").post(
        f"/p/home/inspections/{world.home.inspection.pk}/edit/",
        {"title": "Still here", "status": "draft", "published_on": "2023-02-30"},
    )
    assert (
        "Publication date must be a real date, for example 27 March 2024"
        in response.content.decode()
    )


def test_evaluation_grade_must_be_on_the_inspections_scale(world):
    url = f"/p/home/evaluations/{world.home.evaluation.pk}/edit/"
    response = world.client_for("inspector").post(url, {"grade": "9", "basis": "stated"})
    assert response.status_code == 200
    assert '<a href="#id_grade_0">Choose grade from the list</a>' in response.content.decode()
    with pytest.raises(ValidationError):
        actions.update_evaluation(world.users["inspector"], world.home.evaluation, {"grade": 7})
    world.home.evaluation.refresh_from_db()
    assert world.home.evaluation.grade == 3


def test_an_evaluation_must_use_a_quality_indicator_of_the_inspections_framework(world):
    other = Framework.objects.get(urn="urn:followup:framework:ci-care-protection-2019")
    qi = other.assessable_indicators().first()
    with pytest.raises(ValidationError):
        actions.create_evaluation(world.users["inspector"], world.home.inspection, qi, {"grade": 4})


def test_each_quality_indicator_is_evaluated_once_per_inspection(world):
    response = world.client_for("inspector").get(
        f"/p/home/inspections/{world.home.inspection.pk}/evaluations/new/"
    )
    form = response.context["form"]
    choices = list(form.fields["quality_indicator"].queryset)
    assert world.home.evaluation.quality_indicator not in choices
    assert len(choices) == 8


def test_grades_show_the_word_and_the_number_not_colour_alone(world):
    html = (
        world.client_for("viewer")
        .get(f"/p/home/inspections/{world.home.inspection.pk}/")
        .content.decode()
    )
    assert "Adequate (3)</strong>" in html


def test_recommendation_numbers_are_unique_within_an_inspection(world):
    response = world.client_for("inspector").post(
        f"/p/home/inspections/{world.home.inspection.pk}/recommendations/new/",
        {"number": "1", "text": "Again"},
    )
    assert "Recommendation 1 already exists in this inspection" in response.content.decode()


def test_recommendation_page_shows_linked_qis_actions_with_latest_update_and_judgements(world):
    rec = world.home.recommendation
    actions.update_recommendation(
        world.users["inspector"],
        rec,
        {"quality_indicators": [world.home.evaluation.quality_indicator]},
    )
    html = world.client_for("viewer").get(f"/p/home/recommendations/{rec.pk}/").content.decode()
    assert world.home.evaluation.quality_indicator.name in html
    assert "Plan action for Homeshire" in html
    assert "Update about Homeshire" in html
    assert "Progress review of Homeshire" in html
    assert "Good progress" in html


def test_lead_cannot_change_an_inspectors_grades(world):
    with pytest.raises(PermissionDenied):
        actions.update_evaluation(world.users["lead"], world.home.evaluation, {"grade": 6})
