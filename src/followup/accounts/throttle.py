"""Login throttling by (username, address) pair.

By address alone would lock out a whole council behind one address; by username alone would
let anyone lock out a named inspector. After ``LOGIN_FAILURE_LIMIT`` failures for the pair
within ``LOGIN_FAILURE_WINDOW`` seconds, further attempts for it are refused until the oldest
failure leaves the window. A successful sign-in clears the pair's failures.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from followup.accounts.models import LoginFailure

log = logging.getLogger("followup.security")


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))[:45]


def _recent(username: str, ip: str) -> int:
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(
        username=username.lower(), ip_address=ip, at__gte=since
    ).count()


def is_locked(username: str, ip: str) -> bool:
    return _recent(username, ip) >= settings.LOGIN_FAILURE_LIMIT


def note_failure(username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip_address=ip)
    log.warning("sign-in failed for %r from %s", username, ip)
    if is_locked(username, ip):
        log.warning("sign-in locked for %r from %s", username, ip)


def clear(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=username.lower(), ip_address=ip).delete()
