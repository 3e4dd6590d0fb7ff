"""An inspector grading another quality indicator of an inspection through its page, and the
regrading recorded (tests/inspections/test_inspection_edits.py has the edits themselves)."""

from __future__ import annotations

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.inspections.models import Evaluation
from tests.browserlike import change, edit, page_form, submit
from tests.conftest import World


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
