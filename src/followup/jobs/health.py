"""``/healthz`` answered before any other middleware.

A load balancer asks over plain HTTP, by the machine's address (``http://10.0.0.5/healthz``,
``http://127.0.0.1/healthz``): answered later, that would be redirected to HTTPS
(``SECURE_SSL_REDIRECT``) or refused for its host (``ALLOWED_HOSTS``). Here it reads no cookie,
writes no session and is never throttled.

``/healthz/web`` checks the database only: point a load balancer's health check there, so that a
web process is not taken out of service because no worker is running. ``/healthz`` checks the
worker's heartbeat too: point monitoring there.
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
        if request.method in ("GET", "HEAD"):
            if request.path_info in (PATH, PATH + "/"):
                return healthz(request)
            if request.path_info in (PATH + "/web", PATH + "/web/"):
                return healthz(request, worker=False)
        return self.get_response(request)
