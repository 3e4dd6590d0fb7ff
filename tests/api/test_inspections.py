"""Inspections with their evaluations and recommendations, as the inspection pages show them."""

from __future__ import annotations

import datetime

from tests.api.conftest import problem
from tests.factories import InspectionFactory


def test_a_viewer_reads_the_inspection_with_its_evaluation_and_recommendation(api, world):
    site = world.home
    page = api["viewer"].json("/api/v1/partnerships/home/inspections/")
    assert [i["id"] for i in page["results"]] == [site.inspection.pk]
    inspection = page["results"][0]
    assert api["viewer"].json(f"/api/v1/partnerships/home/inspections/{site.inspection.pk}/") == (
        inspection
    )
    assert inspection["title"] == "Inspection of Homeshire"
    assert inspection["status"] == site.inspection.status
    assert inspection["framework"]["urn"] == site.inspection.framework.urn
    assert [(e["id"], e["grade"], e["grade_word"]) for e in inspection["evaluations"]] == [
        (site.evaluation.pk, 3, "Adequate")
    ]
    evaluation = inspection["evaluations"][0]
    assert evaluation["quality_indicator"]["urn"] == site.evaluation.quality_indicator.urn
    assert [(r["id"], r["number"], r["text"]) for r in inspection["recommendations"]] == [
        (site.recommendation.pk, 1, "Improve planning in Homeshire")
    ]


def test_inspections_are_listed_latest_published_first_ties_broken_by_id(api, world):
    partnership = world.home.partnership
    older = InspectionFactory(partnership=partnership, published_on=datetime.date(2016, 10, 4))
    newer = [
        InspectionFactory(partnership=partnership, published_on=datetime.date(2020, 5, 1))
        for _ in range(2)
    ]
    ids = [i["id"] for i in api["lead"].json("/api/v1/partnerships/home/inspections/")["results"]]
    assert sorted(ids) == sorted([world.home.inspection.pk, older.pk, newer[0].pk, newer[1].pk])
    assert ids.index(newer[1].pk) < ids.index(newer[0].pk) < ids.index(older.pk)


def test_paging_through_inspections_gives_each_once_with_links(api, world):
    for _ in range(4):
        InspectionFactory(partnership=world.home.partnership)
    url = "/api/v1/partnerships/home/inspections/"
    first = api["lead"].json(url, limit="2", count="true")
    assert first["count"] == 5 and first["previous"] is None
    assert first["next"] == f"http://testserver{url}?count=true&limit=2&offset=2"
    second = api["lead"].json(url, limit="2", offset="2")
    assert second["previous"] == f"http://testserver{url}?limit=2"
    third = api["lead"].json(url, limit="2", offset="4")
    assert third["next"] is None
    seen = [i["id"] for page in (first, second, third) for i in page["results"]]
    assert len(seen) == len(set(seen)) == 5


def test_outsider_token_gets_404_for_every_homeshire_inspection(api, world):
    problem(api["outsider"].get("/api/v1/partnerships/home/inspections/"), 404)
    problem(
        api["outsider"].get(f"/api/v1/partnerships/home/inspections/{world.home.inspection.pk}/"),
        404,
    )
    problem(
        api["outsider"].get(f"/api/v1/partnerships/away/inspections/{world.home.inspection.pk}/"),
        404,
    )
