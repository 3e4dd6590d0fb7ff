"""The writes take only the parameters they know, each once, and no text that is not text: a
misspelt ``dryRun`` must never turn a dry run into an import, nor a lone surrogate escape into a
server error."""

from __future__ import annotations

import json

import pytest

from followup.indicators.models import DataValue
from followup.plans.models import ActionUpdate
from tests.api.conftest import problem
from tests.api.test_data_value_sets import VALUES, send, writer

UNKNOWN = {"field": "dry_run", "detail": "This address does not take this parameter."}
LONE = (
    "The body is not JSON Followup can read: a string holds a lone surrogate escape (such as "
    "\\ud800), which is no character. Send text as UTF-8 characters."
)


@pytest.mark.parametrize("query", ["dry_run=true", "dryrun=true", "importStrategy=DELETE"])
def test_an_import_with_a_parameter_it_does_not_know_is_refused_and_imports_nothing(world, query):
    name, value = query.split("=")
    response = send(writer(world), {"dataValues": VALUES}, **{name: value})
    assert problem(response, 400)["errors"] == [{**UNKNOWN, "field": name}]
    assert DataValue.objects.count() == 0


def test_dry_run_given_twice_is_refused_not_read_as_its_last(world):
    api = writer(world)
    url = "/api/v1/partnerships/home/dataValueSets/?dryRun=true&dryRun=false"
    response = api.client.post(
        url,
        json.dumps({"dataValues": VALUES}),
        content_type="application/json",
        headers=api.headers,
    )
    assert problem(response, 400)["errors"] == [
        {"field": "dryRun", "detail": "Give this parameter once."}
    ]
    assert DataValue.objects.count() == 0


def update_url(world) -> str:
    return f"/api/v1/partnerships/home/actions/{world.home.action.pk}/updates/"


def test_an_update_with_a_query_parameter_is_refused_and_nothing_is_added(world):
    api = writer(world)
    before = ActionUpdate.objects.count()
    body = {"on": "2026-01-05", "status": "in_progress", "rating": "on_track", "note": "Going well"}
    response = api.client.post(
        update_url(world) + "?bogus=1",
        json.dumps(body),
        content_type="application/json",
        headers=api.headers,
    )
    assert problem(response, 400)["errors"] == [{**UNKNOWN, "field": "bogus"}]
    assert ActionUpdate.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [
        '{"dataValues": [], "release": "Rev\\ud800iew"}',
        '{"dataValues": [{"\\ud800": 1}]}',
        '{"dataValues": [{"area_code": "S1HOME", "period": "2022", '
        '"data_element": "children_looked_after", "value": 4, "note": "x\\udfff"}]}',
    ],
)
def test_a_lone_surrogate_escape_in_the_data_values_is_400_naming_the_body(world, body):
    api = writer(world)
    for query in ("?dryRun=true", ""):
        response = api.client.post(
            "/api/v1/partnerships/home/dataValueSets/" + query,
            body.encode(),
            content_type="application/json",
            headers=api.headers,
        )
        assert problem(response, 400)["errors"] == [{"field": "body", "detail": LONE}]
    assert DataValue.objects.count() == 0


def test_a_lone_surrogate_in_an_update_is_400_and_a_pair_is_the_character_it_encodes(world):
    api = writer(world)
    for body in ('{"note": "x\\ud800"}', '{"\\ud800": 1}'):
        response = api.client.post(
            update_url(world),
            body.encode(),
            content_type="application/json",
            headers=api.headers,
        )
        assert problem(response, 400)["errors"] == [{"field": "body", "detail": LONE}]
    pair = (
        '{"on": "2026-01-05", "status": "in_progress", "rating": "on_track", '
        '"note": "Going well \\ud83d\\ude00"}'
    )
    response = api.client.post(
        update_url(world), pair.encode(), content_type="application/json", headers=api.headers
    )
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["note"] == "Going well \U0001f600"
