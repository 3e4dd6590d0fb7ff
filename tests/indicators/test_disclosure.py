"""Indicator pages and downloads show a viewer what a published report would: small counts, rates
of small counts and rates 1 to 4 short of their denominator are withheld, with no chart or
finding to give them away; those who may see small counts see every figure."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from followup.indicators.models import DataElement, DataValue, Release
from tests import factories as f
from tests.indicators.figures import year_period


@pytest.fixture
def figures(world):
    """The world's count indicator with 2021-2023 figures of 30, 3 and 29 (30 first published
    as 2, and 3 as 5); and a rate of 98 of 100 children, beside 50 of 100."""
    site = world.home
    first = Release.objects.create(name="Return 2023", published_on=datetime.date(2023, 6, 1))
    second = Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))
    count = site.indicator
    for year, value in [(2021, 30), (2022, 3), (2023, 29)]:
        DataValue.objects.create(
            element=count.numerator,
            area=count.area,
            period=year_period(year),
            release=second,
            value=value,
        )
    for year, value in [(2021, 2), (2022, 5)]:
        DataValue.objects.create(
            element=count.numerator,
            area=count.area,
            period=year_period(year),
            release=first,
            value=value,
        )
    top = DataElement.objects.create(code="seen_in_time", name="Seen in time")
    bottom = DataElement.objects.create(code="children_referred", name="Children referred")
    rate = f.IndicatorFactory(
        partnership=site.partnership,
        area=count.area,
        numerator=top,
        denominator=bottom,
        factor=100,
        name="Seen in time (%)",
        unit="%",
    )
    for year, seen in [(2022, 50), (2023, 98)]:
        DataValue.objects.create(
            element=top, area=count.area, period=year_period(year), release=second, value=seen
        )
        DataValue.objects.create(
            element=bottom, area=count.area, period=year_period(year), release=second, value=100
        )
    return count, rate


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row for row in rows[1:]}


def test_a_viewer_sees_small_counts_withheld_on_the_indicator_page_with_no_chart(world, figures):
    count, _ = figures
    url = reverse("indicators:detail", args=["home", count.pk])
    viewer = world.client_for("viewer").get(url).content.decode()
    assert "Some figures are small counts and are withheld" in viewer
    assert 'class="followup-chart"' not in viewer  # no chart, no funnel
    assert "Centre line" not in viewer
    assert ">[c]<" in viewer and ">30<" in viewer and ">3<" not in viewer
    lead = world.client_for("lead").get(url).content.decode()
    assert 'class="followup-chart"' in lead and "Some figures are small counts" not in lead


def test_a_viewers_download_withholds_small_counts_in_every_release(world, figures):
    count, _ = figures
    url = reverse("indicators:download_csv", args=["home", count.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2022"][1:3] == ["[c]", "[c]"]
    # The first release's 5 was not small, but while any figure of the series is withheld no
    # earlier release's is given, as the page gives none: beside the withheld 3 it would say
    # the figure was revised down, and relations between figures are judged on the latest.
    assert viewer["2022"][-1] == "[c] (Return 2023)"
    assert viewer["2021"][1:3] == ["30.0", "30.0"]
    assert viewer["2021"][-1] == "[c] (Return 2023)"  # but this one was
    lead = _csv(world.client_for("lead").get(url))
    assert lead["2022"][1:3] == ["3.0", "3.0"]
    assert lead["2021"][-1] == "2 (Return 2023)"


def test_a_rate_two_short_of_its_denominator_is_withheld_from_a_viewer(world, figures):
    _, rate = figures
    url = reverse("indicators:download_csv", args=["home", rate.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2023"][1:4] == ["[c]", "[c]", "100.0"]  # 98 of 100: the two are withheld
    assert viewer["2022"][1:4] == ["50.0", "50.0", "100.0"]
    dashboard = world.client_for("viewer").get(reverse("indicators:dashboard", args=["home"]))
    page = dashboard.content.decode()
    assert page.count("Some figures are small counts and are withheld") == 2
    lead = world.client_for("lead").get(reverse("indicators:dashboard", args=["home"]))
    assert "Some figures are small counts" not in lead.content.decode()


def test_a_viewers_finding_for_a_series_with_a_withheld_figure_uses_no_figure(world, figures):
    """The lead officer's sentence names the figures (#15); a viewer's, where one is withheld,
    names none of them (not even the shown ones, whose change or average could give the
    withheld one away), and has no statistical terms to open."""
    from followup.indicators.disclosed import WITHHELD_FINDING

    count, _ = figures
    url = reverse("indicators:detail", args=["home", count.pk])
    lead = world.client_for("lead").get(url)
    assert lead.context["analysis"].finding == (
        "Down from 30 in 2021 to 29 in 2023: too few figures yet (3) to tell a real change from "
        "ordinary variation."
    )
    assert "In statistical terms" in lead.content.decode()
    viewer = world.client_for("viewer").get(url)
    assert viewer.context["analysis"].finding == WITHHELD_FINDING
    assert viewer.context["analysis"].chart_finding == ""
    page = viewer.content.decode()
    assert "In statistical terms" not in page and "Down from" not in page
    dashboard = world.client_for("viewer").get(reverse("indicators:dashboard", args=["home"]))
    assert "Down from 30" not in dashboard.content.decode()
