"""Every exception an action or a query raises becomes the problem the API answers: the pattern
the API's writes rely on."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404

from followup.api.errors import problem_response
from followup.lib.types import TryAgainLater
from followup.partnerships.access import Capability, Refused


def _answer(exc):
    response = problem_response(exc, {})
    assert response is not None
    assert response.content_type == "application/problem+json"
    return response, json.loads(json.dumps(response.data))


def test_an_actions_validation_error_is_400_naming_each_field():
    response, body = _answer(
        ValidationError({"note": ["Enter what has happened."], "on": ["Enter a real date."]})
    )
    assert response.status_code == 400
    assert body["errors"] == [
        {"field": "note", "detail": "Enter what has happened."},
        {"field": "on", "detail": "Enter a real date."},
    ]


def test_a_validation_error_about_the_whole_request_names_no_field():
    _, body = _answer(ValidationError("This invitation was already accepted or revoked."))
    assert body["errors"] == [
        {"field": "", "detail": "This invitation was already accepted or revoked."}
    ]


def test_a_refusal_by_the_access_rules_is_403_with_its_message():
    response, body = _answer(Refused(Capability.EDIT_PLAN))
    assert response.status_code == 403
    assert body["detail"] == Refused(Capability.EDIT_PLAN).message


def test_a_page_not_found_is_404_saying_nothing_more():
    response, body = _answer(Http404("No such page."))
    assert (response.status_code, body["detail"]) == (
        404,
        "Not found: there is no such object, or you may not see it.",
    )


def test_figures_changing_or_a_locked_database_is_503_with_retry_after():
    response, body = _answer(TryAgainLater("The figures were being imported."))
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert body["detail"] == "The figures were being imported."
    response, _ = _answer(OperationalError("database is locked"))
    assert (response.status_code, response["Retry-After"]) == (503, "30")


def test_anything_else_is_left_to_raise_as_a_server_error():
    assert problem_response(KeyError("x"), {}) is None
    assert problem_response(OperationalError("no such table: x"), {}) is None
