"""Problem documents (RFC 9457, ``application/problem+json``): the API's answer for every
error. The API builds its own through ``api.errors``; the refusals made before a request reaches
the API (a body too large, a host not allowed, an address unknown to Django) use the same
builder here, so that anything under ``/api/`` answers a problem, never an HTML page."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

PROBLEM = "application/problem+json"
API = "/api/"
# An unknown object, or another partnership's: the pages' 404, in words.
NOT_FOUND = "Not found: there is no such object, or you may not see it."


def problem(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The body of a problem answer."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def for_the_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API)


def problem_response(status: int, detail: str) -> JsonResponse:
    """A problem answer, written as the API's own (``api.errors``) are: compact, and its text
    as it is rather than escaped."""
    return JsonResponse(
        problem(status, detail),
        status=status,
        content_type=PROBLEM,
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
    )
