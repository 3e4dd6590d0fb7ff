"""An indicator's statistical analysis through the API, as its page shows it: the control chart
point by point with exact limits, Making Data Count's summary and the findings in words; for a
viewer whose figures include a small count, no chart at all, as on their page."""

from __future__ import annotations

import datetime

import pytest

from followup.indicators.disclosed import WITHHELD_FINDING
from followup.indicators.models import Release
from followup.partnerships.models import Area
from tests.api.conftest import problem
from tests.indicators.figures import put

YEARS = ["2019", "2020", "2021", "2022", "2023"]
# An I chart of 110, 120, 115, 130, 120: the mean 119, the average moving range
# (10 + 5 + 15 + 10) / 4 = 10, none screened out (all below 3.267 x 10), so the limits are
# 119 ± 3 x 10 / 1.128 (qicharts2); Making Data Count's are 119 ± 2.66 x 10. About the centre
# line, the figures fall below, above, below, above, above: 3 crossings, the longest run 2.
FIGURES = [110, 120, 115, 130, 120]
SIGMA3 = 3 * 10 / 1.128


def url(world) -> str:
    return f"/api/v1/partnerships/home/indicators/{world.home.indicator.pk}/analysis/"


def lay(world, figures: list[int]) -> None:
    release = Release.objects.create(name="Official", published_on=datetime.date(2024, 6, 1))
    area = Area.objects.get(code="S1HOME")
    for year, figure in zip(YEARS, figures, strict=True):
        put(release, world.home.indicator.numerator, area, year, figure)


def test_a_members_token_reads_the_chart_point_by_point_with_exact_limits(world, api):
    lay(world, FIGURES)
    body = api["lead"].json(url(world))
    chart = body["chart"]
    assert chart["type"] == "i"
    assert [p["period"] for p in chart["points"]] == YEARS
    assert [p["value"] for p in chart["points"]] == FIGURES
    for point in chart["points"]:
        assert point["centre"] == pytest.approx(119, abs=1e-9)
        assert point["upper"] == pytest.approx(119 + SIGMA3, abs=1e-9)
        assert point["lower"] == pytest.approx(119 - SIGMA3, abs=1e-9)
        assert (point["part"], point["outside_limits"], point["runs_signal"]) == (1, False, False)
    assert chart["parts"] == [
        {
            "part": 1,
            "figures": 5,
            "useful": 5,
            "longest_run": 2,
            "longest_run_max": 5,
            "crossings": 3,
            "crossings_min": 0,
            "runs_signal": False,
            "outside_limits": 0,
        }
    ]
    mdc = body["making_data_count"]
    assert (mdc["variation"], mdc["assurance"], mdc["target"]) == ("common_cause", None, None)
    assert mdc["variation_text"] == "Common cause variation (no significant change)"
    for point in mdc["points"]:
        assert point["mean"] == pytest.approx(119, abs=1e-9)
        assert point["upper"] == pytest.approx(119 + 26.6, abs=1e-9)
        assert point["lower"] == pytest.approx(119 - 26.6, abs=1e-9)
    assert body["withheld"] is False
    assert body["finding"]
    assert chart["finding"]


def test_the_analysis_says_what_the_indicators_page_says(world, api):
    lay(world, FIGURES)
    body = api["viewer"].json(url(world))
    page = world.client_for("viewer").get(f"/p/home/indicators/{world.home.indicator.pk}/")
    text = page.content.decode()
    assert body["finding"] in text
    # The page gives the chart's own finding only where it adds to Making Data Count's.
    no_signal = "No signal: the variation is what this process usually shows."
    assert body["chart"]["finding"] == body["making_data_count"]["finding"] == no_signal


def test_a_viewer_gets_no_chart_while_a_figure_is_a_small_count_as_on_their_page(world, api):
    lay(world, [110, 120, 3, 130, 120])
    body = api["viewer"].json(url(world))
    assert body == {
        "finding": WITHHELD_FINDING,
        "withheld": True,
        "chart": None,
        "making_data_count": None,
    }
    exact = api["contributor"].json(url(world))
    assert exact["withheld"] is False
    assert [p["value"] for p in exact["chart"]["points"]] == [110, 120, 3, 130, 120]


def test_split_at_the_inspection_gives_the_chart_two_parts(world, api):
    lay(world, FIGURES)
    inspection = world.home.inspection
    inspection.published_on = datetime.date(2022, 1, 1)
    inspection.save()
    chart = api["lead"].json(url(world), split="inspection")["chart"]
    assert [p["part"] for p in chart["points"]] == [1, 1, 1, 2, 2]
    assert [p["centre"] for p in chart["points"]] == pytest.approx([115, 115, 115, 125, 125])


def test_no_figures_no_chart_and_the_outsider_gets_404(world, api):
    body = api["lead"].json(url(world))
    assert body["chart"] is None
    assert body["making_data_count"] is None
    assert problem(api["outsider"].get(url(world)), 404)["detail"] == (
        "Not found: there is no such object, or you may not see it."
    )
    assert problem(api["lead"].get(url(world), split="review"), 400)["errors"] == [
        {"field": "split", "detail": '"review" is not a valid choice.'}
    ]
