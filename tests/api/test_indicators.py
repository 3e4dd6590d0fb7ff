"""Indicators and their figures through the API: a viewer's token gets small counts withheld
exactly as the viewer's indicator page and download do; those who may see small counts get
every figure."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from tests.api.conftest import problem
from tests.indicators.test_disclosure import figures  # noqa: F401  # the fixture

BASE = "/api/v1/partnerships/home/indicators/"


def _download(world, who, indicator):
    url = reverse("indicators:download_csv", args=["home", indicator.pk])
    rows = list(csv.reader(io.StringIO(world.client_for(who).get(url).content.decode())))
    return {row[0]: row for row in rows[1:]}


def _shown(number):
    return "[c]" if number is None else str(float(number))


def test_a_viewers_token_gets_small_counts_withheld_as_the_viewers_download_does(
    api,
    world,
    figures,  # noqa: F811
):
    count, _ = figures
    rows = api["viewer"].json(f"{BASE}{count.pk}/figures/", releases="all")
    assert [(r["period"], r["value"], r["withheld"]) for r in rows] == [
        ("2021", 30.0, False),
        ("2022", None, True),
        ("2023", 29.0, False),
    ]
    assert rows[1]["numerator"] is None
    assert rows[0]["earlier"] == [
        {
            "release": "Return 2023",
            "published_on": "2023-06-01",
            "numerator": None,
            "withheld": True,
        }
    ]
    # No earlier figure of any period either while one of the series is withheld, as the
    # viewer's page shows none: 2022's 5 beside its withheld 3 would say it was revised down.
    assert rows[1]["earlier"] == [
        {
            "release": "Return 2023",
            "published_on": "2023-06-01",
            "numerator": None,
            "withheld": True,
        }
    ]
    assert (rows[0]["release"], rows[0]["published_on"]) == ("Return 2024", "2024-06-01")
    download = _download(world, "viewer", count)
    for row in rows:
        assert [_shown(row["value"]), _shown(row["numerator"])] == download[row["period"]][1:3]


def test_a_lead_officers_token_gets_every_figure(api, world, figures):  # noqa: F811
    count, _ = figures
    rows = api["lead"].json(f"{BASE}{count.pk}/figures/", releases="all")
    assert [(r["period"], r["value"], r["withheld"]) for r in rows] == [
        ("2021", 30.0, False),
        ("2022", 3.0, False),
        ("2023", 29.0, False),
    ]
    assert rows[0]["earlier"][0]["numerator"] == 2.0


def test_a_rate_two_short_of_its_denominator_is_withheld_from_a_viewers_token(
    api,
    world,
    figures,  # noqa: F811
):
    _, rate = figures
    rows = api["viewer"].json(f"{BASE}{rate.pk}/figures/")
    assert [(r["period"], r["value"], r["numerator"], r["denominator"]) for r in rows] == [
        ("2022", 50.0, 50.0, 100.0),
        ("2023", None, None, 100.0),
    ]
    assert [r["earlier"] for r in rows] == [[], []]  # only the latest unless asked


def test_figures_are_narrowed_to_a_range_of_periods(api, figures):  # noqa: F811
    count, _ = figures
    rows = api["lead"].json(f"{BASE}{count.pk}/figures/", start="2022", end="2023")
    assert [r["period"] for r in rows] == ["2022", "2023"]
    body = problem(api["lead"].get(f"{BASE}{count.pk}/figures/", start="twenty"), 400)
    assert [e["field"] for e in body["errors"]] == ["start"]


def test_indicators_are_listed_with_their_definitions_and_narrowed_to_a_recommendation(
    api,
    world,
    figures,  # noqa: F811
):
    count, rate = figures
    page = api["viewer"].json(BASE)
    assert [i["id"] for i in page["results"]] == [count.pk, rate.pk]  # by name
    first = page["results"][0]
    assert (first["numerator"], first["denominator"], first["area"]["code"]) == (
        "children_looked_after",
        None,
        "S1HOME",
    )
    assert first["recommendations"] == [world.home.recommendation.pk]
    linked = api["viewer"].json(BASE, recommendation=world.home.recommendation.pk)
    assert [i["id"] for i in linked["results"]] == [count.pk]
    assert api["viewer"].json(f"{BASE}{rate.pk}/")["unit"] == "%"
    assert len(api["viewer"].json(BASE, area="S1HOME")["results"]) == 2
    assert api["viewer"].json(BASE, area="S12000028")["results"] == []


def test_data_elements_and_releases_are_official_ones_and_the_partnerships_own(api, world):
    from followup.indicators.models import DataElement, Release

    DataElement.objects.create(
        code="home_own", name="Home's own", partnership=world.home.partnership
    )
    DataElement.objects.create(
        code="away_own", name="Away's own", partnership=world.away.partnership
    )
    Release.objects.create(name="Home return", partnership=world.home.partnership)
    Release.objects.create(name="Away return", partnership=world.away.partnership)
    Release.objects.create(name="Official 2024")
    codes = [
        e["code"] for e in api["viewer"].json("/api/v1/partnerships/home/data-elements/")["results"]
    ]
    assert codes == ["children_looked_after", "home_own"]
    names = {
        r["name"] for r in api["viewer"].json("/api/v1/partnerships/home/releases/")["results"]
    }
    assert names == {"Home return", "Official 2024"}
    outsider = api["outsider"].json("/api/v1/partnerships/away/releases/")["results"]
    assert {r["name"] for r in outsider} == {"Away return", "Official 2024"}


def test_outsider_token_gets_404_for_every_homeshire_indicator(api, world):
    indicator = world.home.indicator.pk
    for path in (BASE, f"{BASE}{indicator}/", f"{BASE}{indicator}/figures/"):
        problem(api["outsider"].get(path), 404)
    problem(api["outsider"].get(f"/api/v1/partnerships/away/indicators/{indicator}/figures/"), 404)
    for path in ("data-elements", "releases"):
        problem(api["outsider"].get(f"/api/v1/partnerships/home/{path}/"), 404)


def _compared_world(world):
    import datetime

    from followup.indicators.models import Release
    from tests.indicators.figures import compared_councils

    release = Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))
    compared_councils(world.home.indicator, release)
    return world.home.indicator


def test_a_viewers_comparison_withholds_a_small_council_and_scotland_as_the_page_does(api, world):
    count = _compared_world(world)
    url = f"{BASE}{count.pk}/comparison/"
    viewer = api["viewer"].json(url)
    assert viewer["period"] == "2024"
    assert viewer["own"]["value"] == 30.0
    assert viewer["country"] == {
        "code": "S92000003",
        "name": "Scotland",
        "value": None,
        "numerator": None,
        "denominator": None,
        "withheld": True,
    }
    assert [(a["name"], a["value"], a["withheld"]) for a in viewer["areas"]] == [
        ("Westshire", 57.0, False),
        ("Northshire", 41.0, False),
        ("Homeshire", 30.0, False),
        ("Eastshire", None, True),
    ]
    page = world.client_for("viewer").get(reverse("indicators:detail", args=["home", count.pk]))
    assert [a.name for a in page.context["benchmark"].withheld] == ["Eastshire"]
    lead = api["lead"].json(url)
    assert (lead["country"]["value"], lead["country"]["withheld"]) == (130.0, False)
    assert ("Eastshire", 2.0) in [(a["name"], a["value"]) for a in lead["areas"]]


def test_a_viewer_gets_no_comparison_while_an_own_figure_is_withheld(api, world, figures):  # noqa: F811
    count, _ = figures
    body = problem(api["viewer"].get(f"{BASE}{count.pk}/comparison/"), 404)
    assert "withheld from you" in body["detail"]
    problem(api["outsider"].get(f"{BASE}{count.pk}/comparison/"), 404)
