"""What an indicator's page says (#10): whose area it is, how many areas a comparison has, and
that a series too short to judge is too short, not "no signal"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from followup.indicators.funnel import Funnel, FunnelArea, funnel_chart
from followup.indicators.models import DataElement, Indicator
from followup.indicators.queries import (
    FEWEST_FIGURES,
    MDC_FEWEST_FIGURES,
    Benchmark,
    analyse,
)
from followup.indicators.values import Observation, Point
from followup.spc.describe import NO_SIGNAL
from tests.indicators.figures import lay_figures, put
from tests.indicators.test_tenancy import text


@pytest.fixture
def figures(world):
    return lay_figures(world)


def page(world, indicator: Indicator) -> str:
    response = world.client_for("viewer").get(
        reverse("indicators:detail", args=["home", indicator.pk])
    )
    assert response.status_code == 200
    return text(response.content.decode())


def test_an_indicator_of_another_area_calls_it_by_its_name_not_this_partnership(world, figures):
    indicator = Indicator.objects.create(
        partnership=world.home.partnership,
        code="away-looked-after",
        name="Looked after in Awayshire",
        numerator=figures.element,
        area=figures.away,
    )
    words = page(world, indicator)
    assert "Awayshire (this indicator's area)" in words
    assert "(this partnership)" not in words
    assert (
        "Awayshire: 20 ; the lowest of the 3 areas in ‘The test councils’ with a figure for 2023."
        in words
    )
    own = page(world, world.home.indicator)
    assert "Homeshire (this partnership)" in own


def test_a_comparison_of_two_areas_says_two_areas_have_a_figure(world, figures):
    indicator = world.home.indicator
    put(figures.official, figures.element, figures.away, "2024", 50)
    words = page(world, indicator)
    assert "the lowest of the 2 areas in ‘The test councils’ with a figure for 2024." in words
    assert "highest of 2 in" not in words


def funnel_of(own: str) -> Benchmark:
    areas = [
        FunnelArea("S1AWAY", "Awayshire", 20, 100, 20.0, "within"),
        FunnelArea("S1HOME", "Homeshire", 50, 100, 50.0, "above"),
    ]
    point = Point("2023", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), None, None, 20.0)
    return Benchmark(
        period="2023",
        own=point,
        country=None,
        group_name="The test councils",
        group=[],
        funnel=Funnel(centre=35.0, areas=areas, curve=[]),
        own_label=own,
    )


def test_the_funnel_names_the_indicators_area_unless_it_is_the_partnerships_own() -> None:
    assert funnel_of("Awayshire").funnel_finding.startswith("Awayshire lies within the funnel")
    assert funnel_of("this partnership").funnel_finding.startswith(
        "This partnership lies within the funnel"
    )
    chart = funnel_chart(
        "t",
        funnel_of("Awayshire").funnel,
        "S1AWAY",
        "%",
        finding="",
        caption="",
    )
    assert [(m.label, m.flagged) for m in chart.marks] == [
        ("Awayshire", True),
        ("Homeshire", False),
    ]


def test_a_one_figure_series_is_too_short_to_judge_not_common_cause(world, figures):
    element = DataElement.objects.create(
        code="waiting", name="Waiting", partnership=world.home.partnership
    )
    put(figures.home_own, element, figures.home, "2024", 12)
    indicator = Indicator.objects.create(
        partnership=world.home.partnership,
        code="waiting",
        name="Waiting list",
        numerator=element,
        area=figures.home,
    )
    words = page(world, indicator)
    assert (
        "Only one figure so far, 12 for 2024: too few to tell a real change from ordinary "
        "variation." in words
    )
    assert "Making Data Count : too few figures for its rules to judge." in words
    assert NO_SIGNAL not in words and "ommon cause" not in words
    dashboard = text(
        world.client_for("viewer")
        .get(reverse("indicators:dashboard", args=["home"]))
        .content.decode()
    )
    assert "too few to tell a real change from ordinary variation" in dashboard


def series(values: list[float]) -> list[Point]:
    return [
        Point(
            str(2000 + i),
            datetime.date(2000 + i, 1, 1),
            datetime.date(2000 + i, 12, 31),
            Observation(v, "R", ""),
            None,
            v,
        )
        for i, v in enumerate(values)
    ]


@pytest.mark.parametrize("chart", ["i", "run"])
def test_the_fewest_figures_are_the_fewest_with_which_a_chart_can_show_a_change(chart):
    """With one figure fewer, even the most extreme series shows nothing; with that many, a
    signal can show (so the page's "too few" is never said of a series that could signal)."""
    needed = FEWEST_FIGURES[chart]
    indicator = Indicator(chart=chart, improvement_direction="neutral", factor=1)
    # A spike at the end for the I chart; a steady climb (one crossing of the median) for runs.
    spike = [0.0] * (needed - 1) + [100.0]
    extreme = spike if chart == "i" else [float(i) for i in range(needed)]
    found = analyse(indicator, points=series(extreme))
    assert not found.chart_finding.startswith(("Too few", "No signal")), found.chart_finding
    shorter = analyse(indicator, points=series(extreme[1:]))
    assert shorter.chart_finding.startswith("Too few figures to judge"), shorter.chart_finding
    assert shorter.chart is not None
    assert not shorter.chart.per_point.sigma_signal.any()
    assert not shorter.chart.parts[-1].runs_signal


def test_making_data_count_needs_as_many_figures_as_its_rules():
    indicator = Indicator(chart="i", improvement_direction="increase", factor=1)
    extreme = [0.0] * (MDC_FEWEST_FIGURES - 1) + [100.0]
    assert analyse(indicator, points=series(extreme)).variation == "special_cause_improvement"
    shorter = analyse(indicator, points=series(extreme[1:]))
    assert shorter.mdc is not None and shorter.mdc.variation_icon == "common_cause"
    assert (shorter.variation, shorter.assurance) == ("too_few", None)
    assert shorter.mdc_finding == (
        "Too few figures to judge: there are only 4 figures so far, and its rules can show a "
        "change only from 5 figures on."
    )
