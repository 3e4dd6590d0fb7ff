"""A hostile viewer of the demo worked Shetland's withheld residential count (31 July 2020) out
from Scotland's totals (#11); every figure the viewer's pages show for that period, searched
exactly, now pins no withheld one."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from followup.indicators.models import Indicator
from tests.conftest import DEMO_PASSWORD
from tests.core.exact_search import System

PERIOD = "2020-07-31"
COMMUNITY, RESIDENTIAL = "looked_after_community", "looked_after_residential"
BOTH, TOTAL = "looked_after_community_and_residential", "looked_after_total"


@pytest.fixture
def viewer(demo_for_module, db) -> Client:
    client = Client()
    assert client.login(username="viewer", password=DEMO_PASSWORD)
    return client


def _url(name: str, code: str) -> str:
    indicator = Indicator.objects.get(partnership__slug="south-ayrshire", code=code)
    return reverse(f"indicators:{name}", args=["south-ayrshire", indicator.pk])


def _compared(client: Client, code: str, *, denominators: bool = False) -> dict[str, float | None]:
    """Every area's figure (or its denominator) as the viewer's comparison shows it for the
    period (None: withheld)."""
    compared = client.get(_url("detail", code)).context["benchmark"]
    assert compared.period == PERIOD
    figures: dict[str, float | None] = {
        a.name: (p.denominator.value if denominators else p.value) for a, p in compared.group
    }
    figures |= {a.name: None for a in compared.withheld}
    country = compared.country.denominator if denominators else compared.country
    figures["Scotland"] = None if compared.country_withheld else country.value
    return figures


def _scotland_total(client: Client) -> float | None:
    rows = list(
        csv.reader(
            io.StringIO(client.get(_url("download_csv", "scotland-looked-after")).content.decode())
        )
    )
    figure = {row[0]: row[2] for row in rows[1:]}[PERIOD]
    return None if figure == "[c]" else float(figure)


def test_scotlands_totals_and_the_other_councils_do_not_give_shetlands_residential_count_away(
    viewer,
):
    """Scotland's total 14,458 less its community 13,022 gave its residential 1,436, withheld in
    the comparison alone, and that less the 31 other councils' 1,432 gave Shetland's 4."""
    figures = {
        COMMUNITY: _compared(viewer, "community-care"),
        RESIDENTIAL: _compared(viewer, "residential-care"),
        BOTH: _compared(viewer, "residential-share", denominators=True),
        TOTAL: {"Scotland": _scotland_total(viewer)},
    }
    assert figures[RESIDENTIAL]["Shetland Islands"] is None
    assert figures[RESIDENTIAL]["Scotland"] is None
    assert figures[BOTH]["Scotland"] is None
    assert figures[TOTAL]["Scotland"] is None
    assert figures[COMMUNITY]["Scotland"] == 13022
    councils = set(figures[COMMUNITY]) - {"Scotland"}
    assert len(councils) == 32 and set(figures[RESIDENTIAL]) == set(figures[BOTH]) == {
        *councils,
        "Scotland",
    }
    system = System()
    unknown = {
        (code, area): system.unknown(0, None, f"{code} {area}")
        for code, by_area in figures.items()
        for area, value in by_area.items()
        if value is None
    }

    def equal(terms: list[tuple[str, str, int]]) -> None:
        """sum(sign * figure) == 0, over shown figures and unknowns."""
        variables = [(unknown[c, a], s) for c, a, s in terms if (c, a) in unknown]
        known = sum(s * int(figures[c][a] or 0) for c, a, s in terms if (c, a) not in unknown)
        if variables:
            system.equal(variables, -known)

    for area in {*councils, "Scotland"}:
        equal([(BOTH, area, -1), (COMMUNITY, area, 1), (RESIDENTIAL, area, 1)])
    equal([(TOTAL, "Scotland", -1), (COMMUNITY, "Scotland", 1), (RESIDENTIAL, "Scotland", 1)])
    for code in (COMMUNITY, RESIDENTIAL, BOTH):
        equal([(code, "Scotland", -1), *((code, area, 1) for area in councils)])
    ranges = system.ranges()
    pinned = {system.names[v]: ranges[v] for v in unknown.values() if ranges[v][0] == ranges[v][1]}
    assert pinned == {}
    assert ranges[unknown[RESIDENTIAL, "Shetland Islands"]][0] == 0


def test_a_published_percentage_is_withheld_where_a_count_from_its_source_is(viewer):
    """CHN9, the LGBF's share looked after in the community, is 85.71 for Shetland: with its
    community count 24 it gave back the residential count 4 the residential measure withholds.
    Followup cannot know CHN9 is a ratio, so it withholds it wherever a count from the same
    source is."""
    figures = _compared(viewer, "balance-of-care")
    assert figures["Shetland Islands"] is None
    assert figures["Scotland"] is None  # Scotland's residential count is withheld with Shetland's
    assert figures["South Ayrshire"] == 90.33
    lead = Client()
    assert lead.login(username="lead", password="demo-password-for-tests")
    compared = lead.get(_url("detail", "balance-of-care")).context["benchmark"]
    assert {a.name: p.value for a, p in compared.group}["Shetland Islands"] == 85.71
