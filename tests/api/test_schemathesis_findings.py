"""What tests/api/test_schemathesis.py found, each kept as a test of its own."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, problem


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
