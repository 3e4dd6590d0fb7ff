"""Each token's requests are limited to ``FOLLOWUP_API_REQUESTS_PER_MINUTE``, counted in the
cache every server process shares; past it, 429 with Retry-After (``errors``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from followup.accounts.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        if not isinstance(token, AccessToken):
            return None  # no token: refused before any work, or a public page (the reference)
        return f"followup.api.throttle.{token.pk}"
