"""Reading data values through the API (``GET dataValueSets``): the official values and the
partnership's own, never another partnership's; each figure's latest release or every release;
paged by id, so that following ``next`` reads every value once; only for those who may see
exact small counts; and each value with the fields the import takes, so that sent back it
changes nothing."""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from followup.indicators.models import DataElement, Release
from followup.partnerships.models import Area
from tests.api.conftest import Api, make_token, problem
from tests.api.test_data_value_sets import send, writer
from tests.indicators.figures import put

URL = "/api/v1/partnerships/home/dataValueSets/"


def value(element: str, period: str, figure: Any, release: str, area: str = "S1HOME") -> dict:
    return {
        "data_element": element,
        "period": period,
        "area_code": area,
        "value": figure,
        "release": release,
        "status": "",
        "note": "",
    }


@pytest.fixture
def held(world) -> dict[str, Release]:
    """Three releases of Homeshire's looked-after count for 2022 (official, published in June;
    Homeshire's own revision, published in September; Homeshire's own undated return, the
    latest of all), an official figure for Awayshire's area, a derived data element's figure,
    and Awayshire's own release, which holds a figure for Homeshire's area."""
    element = world.home.indicator.numerator
    home, away = Area.objects.get(code="S1HOME"), Area.objects.get(code="S1AWAY")
    derived = DataElement.objects.create(
        code="twice_looked_after",
        name="Twice",
        period_kind="year",
        formula="children_looked_after * 2",
    )
    releases = {
        "official": Release.objects.create(
            name="Official 2024", published_on=datetime.date(2024, 6, 1)
        ),
        "revision": Release.objects.create(
            name="Homeshire revision",
            published_on=datetime.date(2024, 9, 1),
            partnership=world.home.partnership,
        ),
        "undated": Release.objects.create(
            name="Homeshire return", partnership=world.home.partnership
        ),
        "away": Release.objects.create(
            name="Awayshire release",
            published_on=datetime.date(2025, 1, 1),
            partnership=world.away.partnership,
        ),
    }
    put(releases["official"], element, home, "2022", 41)
    put(releases["official"], element, away, "2022", 7)
    put(releases["official"], derived, home, "2022", 82)
    put(releases["revision"], element, home, "2022", 40)
    put(releases["undated"], element, home, "2022", 39)
    put(releases["official"], element, home, "2023", 44)
    put(releases["away"], element, home, "2022", 999)
    put(releases["away"], element, home, "2023", 998)
    return releases


def results(api: Api, **query: Any) -> list[dict]:
    body = api.json(URL, **query)
    assert body["next"] is None
    return list(body["results"])


def test_a_contributor_reads_each_figures_latest_release_never_another_partnerships(
    world, api, held
):
    assert results(api["contributor"]) == [
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY"),
        value("children_looked_after", "2022", 39, "Homeshire return"),
        value("children_looked_after", "2023", 44, "Official 2024"),
    ]


def test_every_release_in_the_order_written_and_one_release_whole(world, api, held):
    assert results(api["lead"], releases="all") == [
        value("children_looked_after", "2022", 41, "Official 2024"),
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY"),
        value("children_looked_after", "2022", 40, "Homeshire revision"),
        value("children_looked_after", "2022", 39, "Homeshire return"),
        value("children_looked_after", "2023", 44, "Official 2024"),
    ]
    # A release named: all of its values, unless only those still the latest are asked for.
    assert results(api["lead"], release="Official 2024") == [
        value("children_looked_after", "2022", 41, "Official 2024"),
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY"),
        value("children_looked_after", "2023", 44, "Official 2024"),
    ]
    assert results(api["lead"], release="Official 2024", releases="latest") == [
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY"),
        value("children_looked_after", "2023", 44, "Official 2024"),
    ]


def test_filters_by_code_area_and_period_range(world, api, held):
    lead = api["lead"]
    assert results(lead, area_code="S1AWAY") == [
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY")
    ]
    assert results(lead, start="2023", releases="all") == [
        value("children_looked_after", "2023", 44, "Official 2024")
    ]
    assert results(lead, end="2022", area_code="S1HOME") == [
        value("children_looked_after", "2022", 39, "Homeshire return")
    ]
    assert results(lead, data_element="twice_looked_after") == []  # derived: worked out
    assert results(lead, release="Awayshire release") == []


def test_another_partnerships_release_is_never_the_latest_for_this_one(world, api, held):
    """Awayshire's release is the latest by date, but Homeshire never sees it, so it hides
    nothing of Homeshire's; Awayshire's lead reads its own figure and no Homeshire release."""
    outsider = Api(make_token(world.users["outsider"]))
    body = outsider.json("/api/v1/partnerships/away/dataValueSets/", releases="all")
    assert body["results"] == [
        value("children_looked_after", "2022", 41, "Official 2024"),
        value("children_looked_after", "2022", 7, "Official 2024", area="S1AWAY"),
        value("children_looked_after", "2023", 44, "Official 2024"),
        value("children_looked_after", "2022", 999, "Awayshire release"),
        value("children_looked_after", "2023", 998, "Awayshire release"),
    ]


def test_following_next_reads_every_value_once_and_previous_goes_back(world, api, held):
    lead = api["lead"]
    every = results(lead, releases="all")
    first = lead.json(URL, releases="all", limit=2, count="true")
    assert first["count"] == 5
    assert first["previous"] is None
    read, pages, page = list(first["results"]), [first], first
    while page["next"]:
        query = parse_qs(urlsplit(page["next"]).query)
        assert set(query) == {"releases", "limit", "count", "after"}  # by id, not offset
        page = lead.json(page["next"])
        pages.append(page)
        read += page["results"]
    assert read == every
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert lead.json(pages[2]["previous"])["results"] == pages[1]["results"]
    assert lead.json(pages[1]["previous"])["results"] == pages[0]["results"]
    assert "after" not in parse_qs(urlsplit(pages[1]["previous"]).query)


def test_a_page_reached_by_offset_links_back_by_offset(world, api, held):
    lead = api["lead"]
    every = results(lead, releases="all")
    page = lead.json(URL, releases="all", limit=2, offset=2)
    assert page["results"] == every[2:4]
    assert "after" not in parse_qs(urlsplit(page["previous"]).query)
    assert lead.json(page["previous"])["results"] == every[:2]


def test_a_value_written_while_paging_is_read_on_a_later_page_none_twice(world, api, held):
    lead = api["lead"]
    first = lead.json(URL, releases="all", limit=3)
    put(held["undated"], world.home.indicator.numerator, Area.objects.get(code="S1HOME"), "2024", 5)
    rest = lead.json(first["next"])
    assert [v["value"] for v in first["results"] + rest["results"]] == [41, 7, 40, 39, 44, 5]


def test_a_viewers_token_gets_403_naming_who_may_and_the_outsider_404(world, api, held):
    refused = problem(api["viewer"].get(URL), 403)
    assert refused["detail"] == (
        "Only contributors, editors, lead officers, inspectors and administrators can read "
        "the evidence itself: people's original words, cases and exact small counts."
    )
    assert problem(api["outsider"].get(URL), 404)["detail"] == (
        "Not found: there is no such object, or you may not see it."
    )


def test_wrong_parameters_are_400_naming_each(world, api, held):
    lead = api["lead"]
    assert problem(lead.get(URL, start="2022Q9", releases="some"), 400)["errors"] == [
        {
            "field": "start",
            "detail": "cannot read '2022Q9' as a period such as 2023-07-31, 2023-07, 2023Q3, "
            "2023-24 or 2023",
        },
        {"field": "releases", "detail": '"some" is not a valid choice.'},
    ]
    assert problem(lead.get(URL, after="-1"), 400)["errors"] == [
        {"field": "after", "detail": "Ensure this value is greater than or equal to 0."}
    ]
    assert problem(lead.get(URL, colour="red", offset="1"), 400)["errors"] == [
        {"field": "colour", "detail": "This address does not take this parameter."}
    ]


def test_a_page_of_values_sent_back_changes_nothing(world, api, held):
    read = results(api["lead"], release="Homeshire revision")
    response = send(writer(world), {"dataValues": read}, dryRun="true")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["importCount"] == {
        "imported": 0,
        "updated": 0,
        "unchanged": 1,
        "ignored": 0,
    }
