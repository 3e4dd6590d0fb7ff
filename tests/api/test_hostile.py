"""No input gives the API a server error: every address, every parameter it takes (and one it
does not), hostile values, hostile tokens. Each refusal is a problem document."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.api.conftest import PROBLEM, Api, make_token, problem
from tests.api.test_matrix import MATRIX
from tests.conftest import World
from tests.core.test_no_server_errors import HOSTILE

PARAMETERS = (
    "limit",
    "offset",
    "count",
    "recommendation",
    "owner",
    "status",
    "rating",
    "sort",
    "qi",
    "releases",
    "start",
    "end",
    "since",
    "area",
    "unknown",
)


@pytest.fixture(scope="module")
def tokens(world_for_module: World | None, django_db_blocker: Any) -> dict[str, str]:
    """Read-only tokens of the two of the cast these tests send, made once in the module's world
    (tests/api/test_matrix.py): the ``api`` fixture made one for each of the cast for every
    test, eight tokens and their audit entries where a test sends one."""
    assert world_for_module is not None
    with django_db_blocker.unblock():
        return {who: make_token(world_for_module.users[who]) for who in ("admin", "lead")}


@pytest.fixture
def api(db: Any, tokens: dict[str, str]) -> dict[str, Api]:
    """A client sending the admin's token, and one sending the lead's."""
    return {who: Api(token) for who, token in tokens.items()}


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n not in {"api:docs", "api:schema"}))
def test_hostile_query_values_never_give_a_server_error(world, api, name):
    kwargs = MATRIX[name][0]
    url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
    for value in [*HOSTILE, "9" * 40, "-" * 3, "true", "2019Q5", "1e9"]:
        response = api["admin"].get(url, **dict.fromkeys(PARAMETERS, value))
        assert response.status_code < 500, (name, value[:20])
        if response.status_code >= 400:
            assert response["Content-Type"] == PROBLEM, (name, value[:20])
        both = api["admin"].client.get(
            url, {p: [value, value] for p in PARAMETERS}, headers=api["admin"].headers
        )
        assert both.status_code < 500, (name, value[:20])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partnerships/home/inspections/99999999999999999999999/",
        "/api/v1/partnerships/home/actions/0/updates/",
        "/api/v1/partnerships/" + "x" * 5000 + "/",
        "/api/v1/partnerships/h%00me/",
        "/api/v1/partnerships/home/indicators/-1/figures/",
    ],
)
def test_hostile_addresses_are_404_problems(api, path):
    response = api["admin"].get(path)
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer  ",
        "bearer fu_pat_x",
        "Basic dXNlcjpwYXNz",
        "Bearer fu_pat_\u00e9\u00e9",
        "x" * 9000,
    ],
)
def test_hostile_authorization_headers_are_refused_without_a_server_error(db, header):
    response = Api(None).client.get("/api/v1/partnerships/", headers={"Authorization": header})
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


def test_a_body_that_is_not_json_sent_with_a_write_token_is_a_problem(world):
    from tests.api.conftest import make_token

    writer = Api(make_token(world.users["lead"], write=True))
    response = writer.client.post(
        "/api/v1/partnerships/",
        b"{not json",
        content_type="application/json",
        headers=writer.headers,
    )
    assert response.status_code in (400, 405) and response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("value", ["+5", "1_0", "１", "٣", "5.0", "0x10", " 5"])
def test_a_number_not_written_in_plain_digits_is_400(api, value):
    body = problem(api["lead"].get("/api/v1/partnerships/", limit=value), 400)
    assert body["errors"] == [{"field": "limit", "detail": "A valid integer is required."}]


def test_a_parameter_given_twice_is_400_naming_it_not_read_as_its_last(api):
    response = api["lead"].client.get(
        "/api/v1/partnerships/home/actions/?limit=1&limit=2", headers=api["lead"].headers
    )
    assert problem(response, 400)["errors"] == [
        {"field": "limit", "detail": "Give this parameter once."}
    ]


def test_more_query_parameters_than_django_reads_is_400_saying_so(api, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = api["lead"].client.get(f"/api/v1/partnerships/?{query}", headers=api["lead"].headers)
    assert problem(response, 400)["detail"] == (
        "The request has more than 1,100 query parameters or form fields: send fewer."
    )


def test_a_host_not_served_here_is_400_saying_so(client):
    response = client.get("/api/v1/partnerships/", HTTP_HOST="elsewhere.example")
    assert problem(response, 400)["detail"] == (
        "The request names a host this installation does not serve."
    )


def test_every_read_refuses_a_parameter_it_does_not_take(world, api):
    """Lists and objects alike: a parameter an address does not read is refused, naming it,
    never quietly left out (a misspelt filter would give every row)."""
    lead = api["lead"]
    for name, (kwargs, expected) in MATRIX.items():
        if expected["lead"] != 200 or name in ("api:schema", "api:docs"):
            continue
        url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
        body = problem(lead.get(url, colour="red"), 400)
        assert body["errors"] == [
            {"field": "colour", "detail": "This address does not take this parameter."}
        ], name
