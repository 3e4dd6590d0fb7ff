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
refusal, and nothing of the body is read. Under /api/ it is a problem document naming the one
limit that applies to the address asked, whichever check found the body too large
(:func:`api_limit_detail`).
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


def limit_text(size: int) -> str:
    """A limit in words and exactly, for the API's messages: "2.5 MB (2,621,440 bytes)"."""
    return f"{size_text(size)} ({size:,} bytes)"


def upload_too_large() -> str:
    """The API's message for a body over the upload limit at an address that takes a file."""
    return (
        "The request's body is too large: this address takes at most "
        f"{limit_text(settings.MAX_UPLOAD_BYTES)}. Send the data in parts."
    )


def api_limit_detail(request: HttpRequest) -> str:
    """The API's message for a body over the limit that applies to the address asked: the
    upload limit where a token may send a file, the form limit everywhere else (an action
    update's JSON too). A request past ``MAX_REQUEST_BYTES`` is told the address's own limit,
    not that one, which only makes room for a page's form fields beside its file."""
    if not _takes_file_with_token(request):
        return (
            "The request's body is too large: this address takes at most "
            f"{limit_text(settings.MAX_FORM_BYTES)}."
        )
    if _bearer(request):
        return upload_too_large()
    return (
        "The request's body is too large: without a token this address takes at most "
        f"{limit_text(settings.MAX_FORM_BYTES)}, with one "
        f"{limit_text(settings.MAX_UPLOAD_BYTES)}."
    )


def too_large(request: HttpRequest, *, files: bool) -> HttpResponse:
    """The page refusing a body over a limit: 413, saying what the limits are; under /api/, the
    API's problem document (``api.errors``) naming the limit of the address asked."""
    if for_the_api(request):
        return problem_response(413, api_limit_detail(request))
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


def _view(request: HttpRequest) -> Callable[..., Any] | None:
    try:
        return resolve(request.path_info).func
    except Resolver404:
        return None


def _bearer(request: HttpRequest) -> bool:
    """Whether the request sends a bearer token (its scheme in any case, as the API reads it)."""
    words = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
    return bool(words) and words[0].lower() == "bearer"


def _takes_file_with_token(request: HttpRequest) -> bool:
    return _view(request) in _TOKEN_FILE_VIEWS


def _takes_files(request: HttpRequest) -> bool:
    view = _view(request)
    if view in _TOKEN_FILE_VIEWS:
        return _bearer(request)
    signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
    return signed_in and view in _FILE_VIEWS


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
