"""An indicator's denominator counts over the same kind of period as its numerator
(tests/indicators/test_indicator_refusals.py has the other checks of the denominator)."""

from __future__ import annotations

from django.urls import reverse

from followup.indicators.models import DataElement, Indicator
from tests.browserlike import edit
from tests.conftest import World


def test_the_denominator_must_count_the_same_kind_of_period_as_the_numerator(world: World):
    indicator = world.home.indicator
    quarterly = DataElement.objects.create(
        code="children_in_the_area_by_quarter",
        name="Children in the area by quarter",
        period_kind="quarter",
        partnership=world.home.partnership,
    )
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("editor"), url, {"denominator": str(quarterly.pk)})
    assert response.status_code == 200
    assert (
        '<a href="#id_denominator">The denominator must have the same kind of period as the '
        "numerator</a>" in response.content.decode()
    )
    assert Indicator.objects.get(pk=indicator.pk).denominator_id is None
