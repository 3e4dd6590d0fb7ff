"""Sign-in throttling (interface; the counting is being rebuilt under issue #13).

``begin(request, login)`` is called before a password is checked. It raises ``Throttled``, whose
``message`` says what to do and when, if the attempt may not be evaluated; otherwise it returns an
``Attempt``, on which the caller reports ``failed()`` or ``succeeded(user)``.

For now failures are counted per (username, address) pair, as before.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone

from followup.accounts.models import LoginFailure

log = logging.getLogger("followup.security")


class Throttled(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))[:45]


def _recent(username: str, ip: str) -> int:
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(
        username=username.lower(), ip_address=ip, at__gte=since
    ).count()


@dataclass
class Attempt:
    login: str
    ip: str

    def failed(self) -> None:
        LoginFailure.objects.create(username=self.login.lower()[:150], ip_address=self.ip)
        log.warning("sign-in failed for %r from %s", self.login, self.ip)

    def succeeded(self, user: AbstractBaseUser) -> None:
        LoginFailure.objects.filter(username=self.login.lower(), ip_address=self.ip).delete()


def begin(request: HttpRequest, login: str) -> Attempt:
    ip = client_ip(request)
    if _recent(login, ip) >= settings.LOGIN_FAILURE_LIMIT:
        minutes = settings.LOGIN_FAILURE_WINDOW // 60
        raise Throttled(f"Too many failed attempts. Wait {minutes} minutes, then try again.")
    return Attempt(login, ip)
