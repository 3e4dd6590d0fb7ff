"""A published report and the live pages together give a viewer no withheld count (#11): the
report shows the figures up to its evidence cut-off, the pages the latest; a figure the report
withheld is withheld on the pages wherever the same figure, from the same release, is shown."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from followup.indicators.models import DataElement, DataValue, Period, Release
from followup.reports import actions, render
from followup.reports.compose import review_report
from tests import factories as f
from tests.core.exact_search import System


@pytest.fixture
def cheap_files(monkeypatch):
    monkeypatch.setattr(render, "render", lambda report, fmt: f"{fmt}:{report.title}".encode())


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row for row in rows[1:]}


def test_the_live_pages_withhold_a_figure_the_published_report_withheld_from_the_same_release(
    world, cheap_files
):
    """At the cut-off, placed 10 less stayed 8 left 2 who moved: a small count, so the report
    withheld it and stayed beside it. A later release revised placed to 15, and the live pages
    showed placed 15, stayed 8 (the same figure, from the same release) and moved 7: with the
    report's 10, stayed's 8 gave the withheld 2 back."""
    site = world.home
    review = site.review
    review.evidence_cutoff = datetime.date(2024, 1, 1)
    review.save()
    area = site.indicator.area
    year, _ = Period.objects.get_or_create(
        id="2023",
        defaults={
            "kind": "year",
            "start": datetime.date(2023, 1, 1),
            "end": datetime.date(2023, 12, 31),
        },
    )
    first = Release.objects.create(name="Return 2023", published_on=datetime.date(2023, 6, 1))
    later = Release.objects.create(name="Revision 2024", published_on=datetime.date(2024, 6, 1))
    own = {"partnership": site.partnership}
    placed = DataElement.objects.create(code="placed", name="Placed", **own)
    stayed = DataElement.objects.create(code="stayed", name="Stayed", **own)
    moved = DataElement.objects.create(code="moved", name="Moved", formula="placed - stayed", **own)
    for element, value, release in [(placed, 10, first), (stayed, 8, first), (placed, 15, later)]:
        DataValue.objects.create(
            element=element, area=area, period=year, release=release, value=value
        )
    indicators = {}
    for element in (placed, stayed, moved):
        indicators[element.code] = f.IndicatorFactory(
            partnership=site.partnership, area=area, numerator=element, name=element.name
        )
        indicators[element.code].recommendations.add(site.recommendation)
    actions.publish(world.users["inspector"], review=review)

    report = review_report(review)
    in_report = {
        section.name: section.table.rows[0][1]
        for section in report.recommendations[0].indicators
        if section.table.rows
    }
    assert in_report == {"Placed": "10", "Stayed": "[c]", "Moved": "[c]"}
    viewer = world.client_for("viewer")
    live = {
        code: _csv(viewer.get(reverse("indicators:download_csv", args=["home", i.pk])))["2023"]
        for code, i in indicators.items()
    }
    assert live["placed"][1:5] == ["15.0", "15.0", "", "Revision 2024"]
    assert live["stayed"][2] == "[c]"  # 8, from the release the report withheld it from
    assert live["moved"][2] == "[c]"  # 7: with placed, it would give stayed back

    # The reader: the report's moved = 10 - stayed then; the pages' moved = 15 - stayed now; and
    # stayed is the same figure in both, from the same release.
    system = System()
    then_stayed = system.unknown(0, None, "stayed")
    then_moved = system.unknown(-100, None, "moved then")
    system.equal([(then_moved, 1), (then_stayed, 1)], 10)
    now_moved = system.unknown(-100, None, "moved now")
    system.equal([(now_moved, 1), (then_stayed, 1)], 15)
    ranges = system.ranges()
    assert ranges[then_moved][0] != ranges[then_moved][1]
    assert ranges[then_stayed][0] != ranges[then_stayed][1]

    lead = world.client_for("lead")
    url = reverse("indicators:download_csv", args=["home", indicators["stayed"].pk])
    assert _csv(lead.get(url))["2023"][2] == "8.0"
