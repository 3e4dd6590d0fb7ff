"""An indicator's denominator checked against its numerator, mapping files the upload page
cannot read, the API's list narrowed to a quality indicator's, and a chart whose every figure
is flagged."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from followup.accounts import actions as accounts
from followup.indicators.models import DataElement, DataValue, ImportUpload, Indicator
from followup.indicators.svgchart import Chart, Mark, draw
from followup.lib.types import CommandLine
from tests.browserlike import edit

SVG = "{http://www.w3.org/2000/svg}"


def test_an_indicator_whose_denominator_is_its_numerator_is_refused(world):
    indicator = world.home.indicator
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("lead"), url, {"denominator": str(indicator.numerator_id)})
    assert response.status_code == 200
    assert (
        '<a href="#id_denominator">The denominator must differ from the numerator</a>'
        in response.content.decode()
    )
    indicator.refresh_from_db()
    assert indicator.denominator is None


def _element(world, code: str, period_kind: str) -> DataElement:
    """A data element of the home partnership counting periods of ``period_kind``."""
    return DataElement.objects.create(
        code=code,
        name=code.replace("_", " ").capitalize(),
        period_kind=period_kind,
        partnership=world.home.partnership,
    )


def test_the_denominator_must_count_the_same_kind_of_period_as_the_numerator(world):
    indicator = world.home.indicator
    quarterly = _element(world, "children_in_the_area_by_quarter", "quarter")
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("editor"), url, {"denominator": str(quarterly.pk)})
    assert response.status_code == 200
    assert (
        '<a href="#id_denominator">The denominator must have the same kind of period as the '
        "numerator</a>" in response.content.decode()
    )
    assert Indicator.objects.get(pk=indicator.pk).denominator_id is None


def test_an_indicator_gets_a_denominator_with_the_same_kind_of_period_as_its_numerator(world):
    indicator = world.home.indicator
    population = _element(world, "children_population", "year")
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("lead"), url, {"denominator": str(population.pk)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Indicator.objects.get(pk=indicator.pk).denominator == population


def upload(client: Client, mapping: bytes) -> str:
    response = client.post(
        reverse("indicators:upload", args=["home"]),
        {
            "file": SimpleUploadedFile("sgs.csv", b"FeatureCode,DateCode,Value\nS1HOME,2024,3\n"),
            "mapping": SimpleUploadedFile("map.yaml", mapping),
            "release": "SGS",
        },
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_mapping_that_is_not_utf8_text_is_refused_on_the_upload_page(world):
    page = upload(world.client_for("lead"), "elements: [{element: é}]".encode("latin-1"))
    assert "The mapping must be a UTF-8 text file" in page
    assert ImportUpload.objects.get(release="SGS").mapping == ""


@pytest.mark.parametrize(
    "mapping",
    [b"elements: []\n", b"dataset: x\n", b"- element: a\n", b"elements: {element: a}\n"],
)
def test_a_mapping_without_a_list_of_elements_is_refused_saying_what_it_needs(world, mapping):
    values = DataValue.objects.count()
    page = upload(world.client_for("lead"), mapping)
    assert (
        "The mapping cannot be used: the mapping needs a list 'elements' of {element, match} "
        "entries" in page
    )
    assert ImportUpload.objects.get(release="SGS").mapping == ""
    assert DataValue.objects.count() == values


def api_get(user: User, path: str, **query: int) -> tuple[int, dict]:
    _, token = accounts.create_token(CommandLine("tests"), user, name="tests", can_write=False)
    response = Client().get(path, query, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, json.loads(response.content)


def test_the_api_lists_only_the_indicators_linked_to_the_quality_indicator_asked_for(world):
    indicator = world.home.indicator
    qi = world.home.inspection.framework.assessable_indicators().first()
    assert qi is not None
    indicator.quality_indicators.add(qi)
    path = "/api/v1/partnerships/home/indicators/"
    status, linked = api_get(world.users["viewer"], path, qi=qi.pk)
    assert status == 200
    assert [i["id"] for i in linked["results"]] == [indicator.pk]
    indicator.quality_indicators.remove(qi)
    status, none = api_get(world.users["viewer"], path, qi=qi.pk)
    assert (status, none["results"]) == (200, [])
    status, _ = api_get(world.users["outsider"], path, qi=qi.pk)
    assert status == 404


def test_a_chart_whose_every_figure_is_flagged_draws_only_red_diamonds():
    chart = Chart(
        key="chart-1",
        title="Referrals",
        caption="",
        finding="Every figure is a signal.",
        x_label="",
        y_label="Count",
        marks=(Mark(0, 10.0, "2022", True), Mark(1, 30.0, "2023", True)),
        lines=(),
        header=("Period", "Count"),
        rows=(("2022", "10"), ("2023", "30")),
    )
    root = ET.fromstring(draw(chart))
    fills = {p.get("fill"): p.get("d") or "" for p in root.iter(f"{SVG}path") if p.get("d")}
    assert "#1d70b8" not in fills  # no blue circle: only flagged figures
    assert fills["#d4351c"].count("l6,6l-6,6l-6,-6z") == 2
