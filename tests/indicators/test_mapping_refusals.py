"""A statistics.gov.scot mapping that is YAML but not a mapping of elements is refused on the
upload page, saying what it needs (tests/indicators/test_indicator_refusals.py has an empty list
of elements and a file that is not UTF-8)."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.indicators.models import DataValue, ImportUpload
from tests.conftest import World

DOWNLOAD = "FeatureCode,DateCode,Measurement,Units,Value\nS1HOME,2024,Count,Children,12\n"


@pytest.mark.parametrize(
    "mapping", [b"dataset: x\n", b"- element: a\n", b"elements: {element: a}\n"]
)
def test_a_mapping_without_a_list_of_elements_is_refused_with_what_it_needs(
    world: World, mapping: bytes
):
    values = DataValue.objects.count()
    response = world.client_for("lead").post(
        reverse("indicators:upload", args=["home"]),
        {
            "file": SimpleUploadedFile("sgs.csv", DOWNLOAD.encode()),
            "release": "SGS download",
            "mapping": SimpleUploadedFile("map.yaml", mapping),
        },
    )
    assert response.status_code == 200
    assert (
        "The mapping cannot be used: the mapping needs a list 'elements' of {element, match} "
        "entries"
    ) in html.unescape(response.content.decode())
    assert not ImportUpload.objects.exclude(mapping="").exists()
    assert DataValue.objects.count() == values
