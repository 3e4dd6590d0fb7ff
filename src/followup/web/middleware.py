"""Security headers that Django 5.2 does not set itself, the methods Followup answers, and the
page for a database too busy to answer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from followup.lib.types import TryAgainLater

logger = logging.getLogger(__name__)

# Everything comes from this site: no inline scripts or styles, no framing, forms post here.
# Charts are SVG images in data: URLs.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The Django admin: the same, except one inline style Django's change list writes when a list
# has no actions (allowed by its SHA-256 hash, so no other inline style runs).
ADMIN_POLICY = POLICY.replace(
    "style-src 'self';", "style-src 'self' 'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU=';"
)
# The API's addresses (followup.api): it takes tokens, never a session, and answers every method
# and every refusal itself, so the pages' session rules (time-outs, a second factor to set up)
# do not apply to it.
API_PREFIX = "/api/"
# Followup's pages are read and posted with these; TRACE and everything else gets 405 (the API,
# under /api/, answers 405 itself).
METHODS = ("GET", "HEAD", "POST")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API answers every method itself, refusing one it does not take with a problem
        # document (followup.api.errors).
        if request.method not in METHODS and not request.path.startswith(API_PREFIX):
            response: HttpResponse = HttpResponseNotAllowed(METHODS)
        else:
            response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        response.setdefault("Content-Security-Policy", ADMIN_POLICY if admin else POLICY)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not request.path.startswith(settings.STATIC_URL):
            # Pages and downloads hold partnership data: no browser or proxy keeps a copy.
            patch_cache_control(response, no_store=True)
        return response


class BusyDatabaseMiddleware:
    """A page whose database stayed locked past its wait (SQLite, while a long background job
    holds the write lock: docs/deploy.md, "Several workers"), or that raised ``TryAgainLater``
    (figures imported while it read them), is answered "busy, try again" with 503 and
    Retry-After, not as a server error. Nothing was saved: the transaction never began."""

    RETRY_SECONDS = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TryAgainLater):
            logger.warning("Busy: %s (%s %s)", exception, request.method, request.path)
            reason = str(exception)
        elif isinstance(exception, OperationalError) and "database is locked" in str(exception):
            logger.warning(
                "Busy: the database stayed locked for %s %s", request.method, request.path
            )
            reason = (
                "Another piece of work is holding the database, so this page could not be answered."
            )
        else:
            return None
        context = {"retry": self.RETRY_SECONDS, "reason": reason}
        response = render(request, "503.html", context, status=503)
        response["Retry-After"] = str(self.RETRY_SECONDS)
        return response
