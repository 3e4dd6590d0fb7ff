"""``/healthz`` answered before any other middleware.

A load balancer asks over plain HTTP, by the machine's address (``http://10.0.0.5/healthz``,
``http://127.0.0.1/healthz``): answered later, that would be redirected to HTTPS
(``SECURE_SSL_REDIRECT``) or refused for its host (``ALLOWED_HOSTS``). Here it reads no cookie,
writes no session and is never throttled.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from followup.jobs.views import healthz

PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in (PATH, PATH + "/") and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
