from __future__ import annotations

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.indicators.models import DataElement, Indicator
from tests import factories as f
from tests.browserlike import edit
from tests.submissions import key


def test_an_editor_adds_an_indicator_linked_to_a_recommendation_and_wellbeing(world):
    element = DataElement.objects.get(code="children_looked_after")
    response = world.client_for("editor").post(
        reverse("indicators:create", args=["home"]),
        {
            **key(world.users["editor"]),
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


def test_editing_an_indicator_records_what_changed_and_only_that(world):
    indicator = world.home.indicator
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("admin"), url, {"target": "25"})
    assert response.status_code == 302, response.content.decode()[:500]
    indicator.refresh_from_db()
    assert indicator.target == 25.0
    assert list(indicator.recommendations.all()) == [world.home.recommendation]
    entry = AuditEntry.objects.get(verb="indicator.update", object_id=str(indicator.pk))
    assert entry.changes == {"target": [None, 25.0]}


def test_saving_an_indicator_with_the_same_wellbeing_keeps_their_order(world):
    indicator = world.home.indicator
    indicator.wellbeing = ["Nurtured", "Safe"]
    indicator.save(update_fields=["wellbeing"])
    url = reverse("indicators:edit", args=["home", indicator.pk])
    assert edit(world.client_for("admin"), url, {}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.wellbeing == ["Nurtured", "Safe"]
    edit(world.client_for("admin"), url, {"wellbeing": ["Nurtured", "Healthy", "Safe"]})
    indicator.refresh_from_db()
    assert indicator.wellbeing == ["Safe", "Healthy", "Nurtured"]  # chosen: in the list's order


def test_an_inspector_cannot_define_indicators(world):
    assert (
        world.client_for("inspector").get(reverse("indicators:create", args=["home"])).status_code
        == 403
    )


def test_an_area_whose_code_was_replaced_is_not_offered_but_an_indicator_keeps_its_own(world):
    """Like the partnership's form: a replaced code gets no new figures (Fife's S12000015 became
    S12000047), so a new indicator cannot be put on it; one already on it keeps it."""
    current = f.AreaFactory(code="S12000047", name="Fife")
    replaced = f.AreaFactory(code="S12000015", name="Fife", successor=current)
    lead = world.client_for("lead")
    page = lead.get(reverse("indicators:create", args=["home"])).content.decode()
    assert f'value="{current.pk}"' in page and f'value="{replaced.pk}"' not in page
    element = DataElement.objects.get(code="children_looked_after")
    refused = lead.post(
        reverse("indicators:create", args=["home"]),
        {
            **key(world.users["lead"]),
            "name": "Looked after in old Fife",
            "code": "old-fife",
            "numerator": element.pk,
            "factor": "1",
            "area": replaced.pk,
            "improvement_direction": "decrease",
        },
    )
    assert refused.status_code == 200 and not Indicator.objects.filter(code="old-fife").exists()
    Indicator.objects.filter(pk=world.home.indicator.pk).update(area=replaced)
    edit_page = lead.get(reverse("indicators:edit", args=["home", world.home.indicator.pk]))
    assert f'value="{replaced.pk}" selected' in edit_page.content.decode()
