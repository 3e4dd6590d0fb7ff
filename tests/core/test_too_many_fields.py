"""A request with more query parameters or form fields than Django reads
(``DATA_UPLOAD_MAX_NUMBER_FIELDS``) is refused with 400 before any view runs: under the API, as
a problem document saying what to do; elsewhere, as the "bad request" page."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse

from followup.plans.models import Action
from tests.api.conftest import PROBLEM, Api, make_token

TOO_MANY = "The request has more than 1,100 query parameters or form fields: send fewer."


def _fields(count: int) -> dict[str, str]:
    return {f"p{i}": "1" for i in range(count)}


def test_the_api_refuses_more_query_parameters_than_django_reads_saying_to_send_fewer(world):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1100
    api = Api(make_token(world.users["lead"]))
    response = api.get("/api/v1/partnerships/", **_fields(1101))
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    body = json.loads(response.content)
    assert (body["status"], body["title"], body["detail"]) == (400, "Bad Request", TOO_MANY)
    # At the limit, the request is read, and its unknown parameter refused by name.
    within = json.loads(api.get("/api/v1/partnerships/", **_fields(1100)).content)
    assert (
        within["detail"] == "The request has problems: each is listed with the field it is about."
    )
    assert within["errors"][0] == {
        "field": "p0",
        "detail": "This address does not take this parameter.",
    }


def test_a_page_refuses_a_form_with_more_fields_than_django_reads_and_saves_nothing(world):
    client = world.client_for("lead")
    actions = Action.objects.count()
    response = client.post(
        reverse("plans:create", args=["home"]), {"title": "Too many", **_fields(1101)}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<title>Sorry, there is a problem with the request – Followup</title>" in page
    assert TOO_MANY not in page
    assert Action.objects.count() == actions
