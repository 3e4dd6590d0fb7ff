"""How large a request body may be, decided before anything reads it.

Two limits, both from settings (``docs/configuration.md``):

- ``MAX_REQUEST_BYTES`` (``FOLLOWUP_MAX_UPLOAD_MB`` and 256 KB for the form's other fields): no
  request is larger. ``followup serve`` gives it to waitress as ``max_request_body_size``, and
  :class:`RequestSizeMiddleware`, the first middleware to touch the request after the two that
  add security headers (neither reads the body), refuses a larger ``Content-Length`` under
  any other server.
- ``MAX_FORM_BYTES`` (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB): every request except a
  signed-in person's post to a page that takes a file (a view marked :func:`takes_files`).
  :class:`FormSizeMiddleware`, placed once the person is known and before the CSRF check reads
  the form, refuses a larger ``Content-Length``; Django refuses form fields past it (in a body
  with no length, or in a file upload's other fields), which :func:`too_large` answers too.

Every refusal is the same page, ``413.html``, with status 413: never a server error or a CSRF
refusal, and nothing of the body is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from followup.web.problems import for_the_api, problem_response

MB = 1024 * 1024
V = TypeVar("V", bound=Callable[..., Any])


_FILE_VIEWS: set[Callable[..., Any]] = set()
# API views that take a file as their body: one sent with a bearer token may be up to the upload
# limit, since the view checks the token, and what it may do, before it reads a byte.
_TOKEN_FILE_VIEWS: set[Callable[..., Any]] = set()


def takes_files(view: V) -> V:
    """Mark a view whose form takes a file: a signed-in person may post up to the upload limit."""
    _FILE_VIEWS.add(view)
    return view


def takes_files_with_token(view: V) -> V:
    """Mark an API view that takes a file as its body, sent with a bearer token (the view
    checks the token before reading the body): it may be up to the upload limit."""
    _TOKEN_FILE_VIEWS.add(view)
    return view


def size_text(size: int) -> str:
    """A limit in words for messages: "20 MB", "2.5 MB"."""
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


def too_large(request: HttpRequest, *, files: bool) -> HttpResponse:
    """The page refusing a body over a limit: 413, saying what the limits are; under /api/, the
    API's problem document (``api.errors``) saying the same."""
    if for_the_api(request):
        limit = size_text(settings.MAX_UPLOAD_BYTES if files else settings.MAX_FORM_BYTES)
        return problem_response(413, f"The request's body is too large: send at most {limit}.")
    return render(
        request,
        "413.html",
        {
            "upload_limit": size_text(settings.MAX_UPLOAD_BYTES),
            "form_limit": size_text(settings.MAX_FORM_BYTES),
            "files": files,
        },
        status=413,
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _takes_files(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.func in _TOKEN_FILE_VIEWS:
        return str(request.META.get("HTTP_AUTHORIZATION", "")).startswith("Bearer ")
    signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
    return signed_in and match.func in _FILE_VIEWS


class RequestSizeMiddleware:
    """Refuse a request whose declared body is larger than ``MAX_REQUEST_BYTES`` before anything
    reads it (waitress, under ``followup serve``, refuses it even earlier)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > settings.MAX_REQUEST_BYTES:
            return too_large(request, files=True)
        response: HttpResponse = self.get_response(request)
        return response


class FormSizeMiddleware:
    """Refuse a body larger than ``MAX_FORM_BYTES`` unless a signed-in person posts it to a page
    that takes a file, or a token is sent to an API address that takes one; runs after ``AuthenticationMiddleware``, before any view or CSRF check
    reads the body."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > settings.MAX_FORM_BYTES and not _takes_files(request):
            return too_large(request, files=False)
        response: HttpResponse = self.get_response(request)
        return response
