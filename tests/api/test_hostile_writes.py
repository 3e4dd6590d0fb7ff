"""No hostile value sent to the API's writes gives a server error: each field of an action
update, each data value's cell and each import parameter, given each of tests/core's hostile
values, and hostile bodies; every answer is below 500, and an error is a problem."""

from __future__ import annotations

import json
from typing import Any

import pytest

from followup.indicators.models import DataValue
from tests.api.conftest import PROBLEM, Api, make_token
from tests.conftest import World
from tests.core.test_no_server_errors import HOSTILE

DATA = "/api/v1/partnerships/home/dataValueSets/"
GOOD_VALUE = {
    "area_code": "S1HOME",
    "period": "2024",
    "data_element": "children_looked_after",
    "value": "3",
}
GOOD_UPDATE = {"on": "2024-01-31", "status": "in_progress", "rating": "on_track", "note": "A"}


@pytest.fixture
def lead(world: World) -> Api:
    return Api(make_token(world.users["lead"], write=True))


def answered(response: Any) -> int:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
    return int(response.status_code)


def test_no_hostile_field_of_an_update_gives_a_server_error(world, lead):
    url = f"/api/v1/partnerships/home/actions/{world.home.action.pk}/updates/"
    statuses = set()
    for name in GOOD_UPDATE:
        for value in [*HOSTILE, 0, -1, 1e308, None, [], {}, True]:
            statuses.add(answered(lead.request("POST", url, {**GOOD_UPDATE, name: value})))
    assert statuses <= {201, 400}


def test_no_hostile_cell_or_parameter_of_an_import_gives_a_server_error(world, lead):
    statuses = set()
    for name in [*GOOD_VALUE, "release", "status", "note"]:
        for value in [*HOSTILE, -1e308, None, [], {}, False]:
            body = json.dumps({"dataValues": [{**GOOD_VALUE, name: value}]})
            response = lead.client.post(
                DATA + "?dryRun=true&release=R",
                body,
                content_type="application/json",
                headers=lead.headers,
            )
            statuses.add(answered(response))
    for name in ("dryRun", "release", "createElements"):
        for text in ("%00", "x" * 400, "%FF", "true&" + name + "=false"):
            response = lead.client.post(
                f"{DATA}?{name}={text}",
                "area_code,period,data_element,value\n",
                content_type="text/csv",
                headers=lead.headers,
            )
            statuses.add(answered(response))
    assert statuses <= {200, 400, 409}
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize(
    "kind", ["text/csv", "application/json", "text/csv; charset=utf-8", "multipart/form-data"]
)
def test_no_hostile_body_gives_a_server_error(world, lead, kind):
    for body in (
        b"",
        b"\x00" * 1000,
        b"\xef\xbb\xbf",
        b"PK\x03\x04 not a workbook",
        b'"' * 10_000,
        b"a," * 5000 + b"\n",
        b"null",
        b'{"dataValues": null}',
        b'{"dataValues": [[]]}',
        b'{"dataValues": [{"value": 1e999999}]}',
    ):
        answered(lead.client.post(DATA, body, content_type=kind, headers=lead.headers))
    assert DataValue.objects.count() == 0
