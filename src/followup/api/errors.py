"""Every API error as ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``,
``detail``, and for a request with problems, ``errors``, one for each field (or query
parameter) that is wrong, naming it. An unknown partnership or another partnership's object is
404 as on the pages; a refusal by ``partnerships.access`` is 403 with its message; an action's
``ValidationError`` is 400 naming the fields it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from followup.api import timelimit
from followup.lib.types import TryAgainLater
from followup.web.middleware import BusyDatabaseMiddleware
from followup.web.problems import NOT_FOUND, PROBLEM, problem

# A refusal's field name when it is about the request as a whole (DRF's "non_field_errors").
WHOLE = "non_field_errors"


class JSONOnly(BaseContentNegotiation):
    """The API speaks JSON whatever the request's Accept header asks: a client that asks for
    anything else still gets JSON, never 406."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        content_type = request.content_type.split(";")[0].strip().lower()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ServiceBusy(exceptions.APIException):
    """Figures imported while they were read, or a database locked by long work: nothing was
    changed; 503 with Retry-After, as the pages answer (``web.middleware``)."""

    status_code = 503
    default_detail = (
        "Another piece of work is holding the database, so this request could not be answered. "
        "Nothing was changed: try again shortly."
    )
    wait = BusyDatabaseMiddleware.RETRY_SECONDS


def _field_errors(detail: Any, field: str = "") -> list[dict[str, str]]:
    """Each message of a DRF error detail, with the field it is about (nested fields joined by
    dots, list items by their index)."""
    if isinstance(detail, Mapping):
        found: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key == WHOLE else str(key)
            found += _field_errors(value, f"{field}.{name}" if field and name else field or name)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return [{"field": field, "detail": str(item)} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _field_errors(item, f"{field}.{index}" if field else str(index))
        return found
    return [{"field": field, "detail": str(detail)}]


def _translated(exc: Exception) -> Exception:
    """Django's and Followup's own exceptions as the API's."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, TryAgainLater):
        return ServiceBusy(str(exc) or ServiceBusy.default_detail)
    if timelimit.stopped(exc):
        return timelimit.TookTooLong()
    if isinstance(exc, OperationalError) and "database is locked" in str(exc):
        return ServiceBusy()
    return exc


def problem_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering with a problem document. Anything it does not know is
    left to raise (a server error, logged with its traceback)."""
    exc = _translated(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ParseError):
        # A body that is not JSON: about the body as a whole, named as such.
        body = problem(
            response.status_code,
            "The request's body could not be read: it is listed with the field it is about.",
            [{"field": "body", "detail": str(exc.detail)}],
        )
    elif isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        body = problem(
            response.status_code,
            "The request has problems: each is listed with the field it is about.",
            errors,
        )
    else:
        body = problem(response.status_code, str(exc.detail))
    response.data = body
    response.content_type = PROBLEM
    return response
