from __future__ import annotations

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.indicators.models import DataElement, Indicator


def test_an_editor_adds_an_indicator_linked_to_a_recommendation_and_wellbeing(world):
    element = DataElement.objects.get(code="children_looked_after")
    response = world.client_for("editor").post(
        reverse("indicators:create", args=["home"]),
        {
            "name": "Children looked after (home)",
            "code": "looked-after-home",
            "numerator": element.pk,
            "factor": "1",
            "area": world.home.partnership.area_id,
            "improvement_direction": "decrease",
            "recommendations": [world.home.recommendation.pk],
            "wellbeing": ["Safe", "Nurtured"],
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="looked-after-home")
    assert (indicator.frequency, indicator.wellbeing) == ("year", ["Safe", "Nurtured"])
    assert list(indicator.recommendations.all()) == [world.home.recommendation]
    assert (
        AuditEntry.objects.filter(verb="indicator.create", object_id=str(indicator.pk)).count() == 1
    )


def test_the_indicator_form_refuses_a_repeated_code_a_rate_chart_without_denominator_and_another_partnerships_recommendation(
    world,
):
    element = DataElement.objects.get(code="children_looked_after")
    response = world.client_for("lead").post(
        reverse("indicators:create", args=["home"]),
        {
            "name": "Again",
            "code": world.home.indicator.code,
            "numerator": element.pk,
            "factor": "1",
            "area": world.home.partnership.area_id,
            "improvement_direction": "neutral",
            "chart": "u",
            "recommendations": [world.away.recommendation.pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_code">Another indicator of this partnership has this code</a>' in html
    assert '<a href="#id_chart">P, P′, U and U′ charts need a denominator</a>' in html
    assert (
        '<a href="#id_recommendations_0">Choose recommendations it is evidence for from the list</a>'
        in html
    )


def test_editing_an_indicator_records_what_changed(world):
    indicator = world.home.indicator
    url = reverse("indicators:edit", args=["home", indicator.pk])
    form = world.client_for("admin").get(url).context["form"]
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in {"recommendations", "quality_indicators", "wellbeing"}
    }
    data["numerator"] = indicator.numerator_id
    data["area"] = indicator.area_id
    data["target"] = "25"
    response = world.client_for("admin").post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    indicator.refresh_from_db()
    assert indicator.target == 25.0
    entry = AuditEntry.objects.get(verb="indicator.update", object_id=str(indicator.pk))
    assert entry.changes["target"] == [None, 25.0]


def test_an_inspector_cannot_define_indicators(world):
    assert (
        world.client_for("inspector").get(reverse("indicators:create", args=["home"])).status_code
        == 403
    )
