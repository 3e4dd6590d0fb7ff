"""Holes a hostile viewer found in what indicator pages and downloads show (#11), each closed by
the one disclosure rule: small counts are withheld whatever an indicator's factor, denominator or
formula, and nothing else a viewer sees can pin one."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from followup.indicators.models import DataElement, DataValue, Period, Release
from tests import factories as f


def _year(year: int) -> Period:
    period, _ = Period.objects.get_or_create(
        id=str(year),
        defaults={
            "kind": "year",
            "start": datetime.date(year, 1, 1),
            "end": datetime.date(year, 12, 31),
        },
    )
    return period


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row for row in rows[1:]}


def _value(element, area, year, value, release) -> None:
    DataValue.objects.create(
        element=element, area=area, period=_year(year), release=release, value=value
    )


@pytest.fixture
def release(db):
    return Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))


def test_a_count_shown_per_thousand_without_a_denominator_is_withheld_when_small(world, release):
    """3 children × 1,000 shown as 3,000 gave the 3 away."""
    site = world.home
    element = DataElement.objects.create(code="missing_children", name="Missing children")
    rate = f.IndicatorFactory(
        partnership=site.partnership, area=site.indicator.area, numerator=element, factor=1000
    )
    _value(element, rate.area, 2023, 3, release)
    _value(element, rate.area, 2024, 40, release)
    url = reverse("indicators:download_csv", args=["home", rate.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2023"][1:3] == ["[c]", "[c]"]
    assert viewer["2024"][1:3] == ["40000.0", "40.0"]
    page = world.client_for("viewer").get(reverse("indicators:detail", args=["home", rate.pk]))
    assert "3000" not in page.content.decode() and "3,000" not in page.content.decode()
    lead = _csv(world.client_for("lead").get(url))
    assert lead["2023"][1:3] == ["3000.0", "3.0"]


def test_a_rate_whose_denominator_is_missing_or_zero_still_withholds_its_small_numerator(
    world, release
):
    """A rate with no figure (its denominator missing or 0) still lists its numerator."""
    site = world.home
    top = DataElement.objects.create(code="seen_late", name="Seen late")
    bottom = DataElement.objects.create(code="all_seen", name="All seen")
    rate = f.IndicatorFactory(
        partnership=site.partnership,
        area=site.indicator.area,
        numerator=top,
        denominator=bottom,
        factor=100,
    )
    _value(top, rate.area, 2023, 2, release)  # no denominator at all
    _value(top, rate.area, 2024, 1, release)
    _value(bottom, rate.area, 2024, 0, release)  # a zero denominator
    url = reverse("indicators:download_csv", args=["home", rate.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2023"][2] == "[c]"
    assert viewer["2024"][2] == "[c]"
    lead = _csv(world.client_for("lead").get(url))
    assert lead["2023"][2] == "2.0"
