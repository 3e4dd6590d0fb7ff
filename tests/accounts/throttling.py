"""Helpers for the sign-in throttle's tests: posting the sign-in page as it is rendered, counting
the passwords actually checked, and moving the throttle's clock forward."""

from __future__ import annotations

import datetime
import re
import threading
from typing import Any

import pytest
from django.contrib import auth
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup.accounts import adapter, throttle
from tests.factories import TOTP_SECRET, totp_code

ATTACKER = "203.0.113.66"
OWN_ADDRESS = "198.51.100.7"
WRONG = "Enter a correct username (or email address) and password."
ACCOUNT_WAIT = "This account is being protected after repeated failed sign-ins: wait"
NETWORK_WAIT = "Too many failed attempts from your network. Wait 15 minutes, then try again."


def browser() -> Client:
    """A browser that sends the CSRF token the page gave it, as a real one must."""
    return Client(enforce_csrf_checks=True)


def post_form(client: Client, url: str, data: dict[str, str], address: str) -> Any:
    """Open the page and post its form with these fields and the page's CSRF token."""
    page = client.get(url, REMOTE_ADDR=address).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, f"the page at {url} has no CSRF token"
    response = client.post(
        url, {**data, "csrfmiddlewaretoken": token.group(1)}, REMOTE_ADDR=address
    )
    return response


def sign_in(client: Client, login: str, password: str, address: str = ATTACKER) -> Any:
    """Post the sign-in page's form (fields login, password, csrfmiddlewaretoken); when the
    password is accepted and the account has an authenticator app (the test inspector has),
    enter its code as the next page asks, so that the sign-in completes."""
    response = post_form(
        client, reverse("account_login"), {"login": login, "password": password}, address
    )
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        # allauth refuses a code used already in its 30 seconds; a person would wait for the
        # next one, the test forgets the codes used instead.
        cache.clear()
        code = {"code": totp_code(TOTP_SECRET)}
        response = post_form(client, reverse("mfa_authenticate"), code, address)
    return response


def sign_out(client: Client, address: str) -> None:
    assert post_form(client, reverse("account_logout"), {}, address).status_code == 302


def signed_in(response: Any) -> bool:
    """The password was accepted: the person is signed in, or asked for their second factor."""
    if response.status_code != 302:
        return False
    location = response["Location"]
    return "/accounts/" not in location or location.startswith(reverse("mfa_authenticate"))


class Checked:
    """Counts the sign-in attempts whose password was actually checked, in any thread."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def wrap(self, authenticate: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.count += 1
            return authenticate(*args, **kwargs)

        return counted


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Checked:
    counter = Checked()
    monkeypatch.setattr(adapter, "authenticate", counter.wrap(auth.authenticate))
    return counter


class Clock:
    """The throttle's clock, stopped, and moved forward instead of sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = datetime.timedelta()
        start = timezone.now()
        monkeypatch.setattr(throttle, "now", lambda: start + self.offset)

    def forward(self, seconds: int) -> None:
        self.offset += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)
