"""One log line per request (logger ``followup.access``, settings.LOGGING).

``GET /p/home/plan/ 200 84ms user 12``: the method, the path without its query string, the status,
the time taken, and the signed-in person's id (``-`` for nobody). Nothing else of the person, and
no secret: the key in a password reset or email confirmation link and the token in an invitation
link are written as ``[key]``. Query strings are left out because they can carry search terms.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import LazyObject

from followup.web.logfilters import printable

logger = logging.getLogger("followup.access")

# URL parts that are secrets: allauth's reset and confirmation keys, invitation tokens.
SECRET_PARTS = ("key", "uidb36", "token")


def logged_path(request: HttpRequest) -> str:
    """The path, with any secret in it replaced."""
    path = request.path
    match = request.resolver_match
    if match is not None:
        for name in SECRET_PARTS:
            value = match.kwargs.get(name)
            if isinstance(value, str) and value:
                path = path.replace(value, "[key]")
    return printable(path)


def _user_id(request: HttpRequest) -> str:
    # Only a user already loaded by the request: the log never costs a query. A page's is kept
    # by Django's lazy ``request.user``; the API's token user replaces that lazy object (which
    # may have been looked at first, and found no one signed in).
    given = request.__dict__.get("user")
    user = request.__dict__.get("_cached_user") if isinstance(given, LazyObject) else given
    if user is not None and user.is_authenticated:
        return str(user.pk)
    return "-"


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s %s %d %dms user %s",
                printable(request.method or "?"),
                logged_path(request),
                response.status_code,
                round((time.perf_counter() - started) * 1000),
                _user_id(request),
            )
        return response
