"""What tests/api/test_schemathesis.py found, each kept as a test of its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import Api, problem
from tests.api.test_matrix import MATRIX


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partnerships/H%0A/indicators/7/",
        "/api/v1/partnerships/home/actions/1/%0A",
        "/api/v1/%0A",
    ],
)
def test_an_address_with_a_newline_is_a_404_problem_not_the_pages_404(api: dict[str, Api], path):
    body = problem(api["lead"].get(path), 404)
    assert body["detail"] == "Not found: there is no such object, or you may not see it."


# The reference pages (api:docs) are HTML, not the API's JSON.
@pytest.mark.parametrize("name", sorted(set(MATRIX) - {"api:unknown", "api:docs"}))
def test_options_is_a_405_problem_at_every_address(world, api: dict[str, Api], name):
    """DRF answered OPTIONS with 200 and the view's name and description, even for another
    partnership's object; the OpenAPI document gives no OPTIONS."""
    kwargs = MATRIX[name][0]
    url = reverse(name, kwargs=kwargs(world.away) if kwargs else None)
    response = api["lead"].request("OPTIONS", url)
    assert problem(response, 405)["detail"] == 'Method "OPTIONS" not allowed.'


def test_options_is_a_405_problem_on_the_reference_pages_not_text_under_the_problems_type(
    api: dict[str, Api],
):
    response = api["lead"].request("OPTIONS", reverse("api:docs"))
    assert problem(response, 405)["detail"] == 'Method "OPTIONS" not allowed.'
    assert response["Allow"] == "GET, HEAD"
