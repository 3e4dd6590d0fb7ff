"""The API's limits on requests, counted in the cache every server process shares; past one,
429 with Retry-After (``errors``).

- Each token's requests: ``FOLLOWUP_API_REQUESTS_PER_MINUTE`` (``TokenRateThrottle``).
- Requests without a valid token (none, or one unknown, expired, revoked, or refused for its
  address or its account), counted per client address:
  ``FOLLOWUP_API_UNAUTHENTICATED_REQUESTS_PER_MINUTE`` (``AddressRateThrottle``). DRF would
  refuse such a request (401) before its throttles run, so the token's check counts it
  (``authentication``). A valid token is never refused for what others sent from its address.

The client's address is ``REMOTE_ADDR``: under ``followup serve`` behind the trusted proxy, the
address that proxy saw (docs/deploy.md), never one a client wrote. DRF's own ``get_ident`` is
not used: without ``NUM_PROXIES`` it takes the ``X-Forwarded-For`` header, which anyone can
write. An IPv6 client is counted by its /64 network, which one client usually has to itself.

The API's public pages (its OpenAPI document and reference pages, ``views``) take no token and
are not counted: they are the same for everyone and served without reading the database.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from followup.accounts.models import AccessToken
from followup.accounts.tokens import plain_address

if TYPE_CHECKING:
    from rest_framework.views import APIView

TOO_MANY_WITHOUT_TOKEN = (
    "Too many requests without a valid token from this address. Send a valid token "
    "(“Authorization: Bearer fu_pat_…”), or wait."
)


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        if not isinstance(token, AccessToken):
            return None  # no token: counted by its address (AddressRateThrottle)
        return f"followup.api.throttle.{token.pk}"


def client(request: Request) -> str:
    """The client's address as counted: the connecting address, an IPv6 one as its /64 (an
    IPv4 address seen as IPv6, ``::ffff:192.0.2.1``, as itself: as a /64, every IPv4 client
    of a dual-stack server would share one count)."""
    parsed = plain_address(str(request.META.get("REMOTE_ADDR", "")))
    if parsed is None:
        return "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class AddressRateThrottle(SimpleRateThrottle):
    """Requests without a valid token, per client address (``refused``)."""

    scope = "address"

    def get_rate(self) -> str:
        return f"{settings.API_UNAUTHENTICATED_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return f"followup.api.throttle.address.{client(request)}"


def refused(request: Request) -> None:
    """Count a request that has no valid token against its address; past the address's rate,
    refuse it with 429 and Retry-After (its 401 or 403 would tell nothing new)."""
    view = request.parser_context["view"]
    if getattr(view, "swagger_fake_view", False):
        return  # drf-spectacular's own request, generating the OpenAPI document (``contract``)
    throttle = AddressRateThrottle()
    if not throttle.allow_request(request, view):
        raise exceptions.Throttled(throttle.wait(), TOO_MANY_WITHOUT_TOKEN)
