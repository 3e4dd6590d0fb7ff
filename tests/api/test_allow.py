"""The Allow header of every address of the API lists exactly the methods it answers: each
method it lists is answered (whatever the answer, never 405), each other is 405 with the same
Allow, and the documented operations are the same methods. It listed OPTIONS everywhere, which
every address refuses with 405, and "OPTIONS" at unknown addresses, which answer nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse

from tests.api.conftest import Api, make_token, problem
from tests.api.test_matrix import MATRIX
from tests.api.test_tenancy import PATTERNS
from tests.conftest import World

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
READ = "GET, HEAD"
# What each address answers, as its Allow lists it; every other address only reads.
ALLOW: dict[str, str | None] = {
    "api:action_updates": "GET, POST, HEAD",
    "api:data_value_sets": "GET, POST, HEAD",
    # No address, so no methods: 404 whatever the method, with no Allow header.
    "api:unknown": None,
}
DOCUMENT = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text(encoding="utf-8")
)
# The addresses the OpenAPI document leaves out: the document itself, its reference pages, and
# any address that is not one.
UNDOCUMENTED = {"api:schema", "api:docs", "api:unknown"}


def allowed(name: str) -> str | None:
    return ALLOW.get(name, READ)


@pytest.fixture
def lead(world: World) -> Api:
    """A write token of a lead officer, who may add updates and import data values: what an
    address refuses to them is refused for its method, not for who asks."""
    return Api(make_token(world.users["lead"], write=True))


def url_of(world: World, name: str) -> str:
    kwargs = MATRIX[name][0]
    return reverse(name, kwargs=kwargs(world.home) if kwargs else None)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_address_answers_each_method_its_allow_header_lists_and_405_to_the_rest(
    world, lead, name
):
    url = url_of(world, name)
    expected = allowed(name)
    listed = set(expected.split(", ")) if expected else set()
    answers: dict[str, Any] = {}
    for method in METHODS:
        body = b"{}" if method in ("POST", "PUT", "PATCH") else b""
        response = lead.client.generic(
            method, url, body, content_type="application/json", headers=lead.headers
        )
        answers[method] = (response.status_code, response.get("Allow"))
        if method in listed:
            assert response.status_code != 405, (method, response.content)
        elif method == "HEAD":  # answered without its body
            assert response.status_code == (404 if expected is None else 405)
            assert response["Content-Type"] == "application/problem+json"
        elif expected is None:
            assert problem(response, 404)["detail"] == (
                "Not found: there is no such object, or you may not see it."
            )
        else:
            detail = problem(response, 405)["detail"]
            assert detail == f'Method "{method}" not allowed.'
    assert {allow for _, allow in answers.values()} == {expected}, answers


def test_every_address_of_the_api_is_in_the_sweep():
    assert set(MATRIX) == set(PATTERNS)
    assert set(ALLOW) <= set(MATRIX)


def documented_path(name: str) -> str:
    pattern = str(PATTERNS[name].pattern)
    for part, named in (
        ("<slug:slug>", "{slug}"),
        ("<int:pk>", "{id}"),
        ("<int:update>", "{update}"),
    ):
        pattern = pattern.replace(part, named)
    return "/api/" + pattern


@pytest.mark.parametrize("name", sorted(set(MATRIX) - UNDOCUMENTED))
def test_the_allow_header_lists_the_documented_operations_and_head_with_get(name):
    operations = {method.upper() for method in DOCUMENT["paths"][documented_path(name)]}
    expected = allowed(name)
    assert expected is not None
    assert set(expected.split(", ")) == operations | ({"HEAD"} if "GET" in operations else set())


def test_an_anonymous_request_with_a_method_an_address_does_not_take_is_401_first(db):
    """The token is checked before the method: without one, nothing is said of the address."""
    response = Api(None).client.delete("/api/v1/partnerships/")
    assert problem(response, 401)["detail"] == "Authentication credentials were not provided."
