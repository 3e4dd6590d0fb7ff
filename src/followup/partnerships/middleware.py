"""Each request keeps the signed-in person's memberships once read (``access.request_scope``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from followup.partnerships import access


class MembershipsPerRequestMiddleware:
    """Answer every question about the person's partnerships during one request from one read
    of their memberships, forgotten when the request ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with access.request_scope():
            return self.get_response(request)
