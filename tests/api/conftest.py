"""Tokens for the cast (tests/conftest.py) and a client that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, override_settings

from followup.accounts import actions
from followup.lib.types import CommandLine
from tests.conftest import World

PROBLEM = "application/problem+json"

# A form limit small enough that a body over it is cheap to send and to import. The real limit is
# proved where only its number matters, by declared lengths refused before a byte is read
# (test_body_limits.py) and by the settings' own test (tests/core/test_request_size.py, which
# holds MAX_FORM_BYTES and Django's DATA_UPLOAD_MAX_MEMORY_SIZE to one value, as this does):
# a body of 3 MB of blank lines, read three times, cost a twentieth of the suite's time.
SMALL_FORM_BYTES = 4096


def a_small_form_limit() -> override_settings:
    """The form limit (``MAX_FORM_BYTES`` and Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with it,
    as in settings.py) lowered to ``SMALL_FORM_BYTES``, the upload limit left as it is."""
    return override_settings(
        MAX_FORM_BYTES=SMALL_FORM_BYTES, DATA_UPLOAD_MAX_MEMORY_SIZE=SMALL_FORM_BYTES
    )


def make_token(user: User, *, write: bool = False, **given: Any) -> str:
    """A token of ``user``'s, made as the command line makes one; its text."""
    _, text = actions.create_token(
        CommandLine("tests"), user, name=given.pop("name", "tests"), can_write=write, **given
    )
    return text


class Api:
    """A client that sends one token with every request, from one address (the test client's
    127.0.0.1 unless given)."""

    def __init__(self, token: str | None, address: str = "127.0.0.1") -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.address = address

    def request(self, method: str, path: str, data: Any = None, **query: Any) -> HttpResponse:
        call = getattr(self.client, method.lower())
        sent = {"headers": self.headers, "REMOTE_ADDR": self.address}
        if method in ("GET", "HEAD"):
            return call(path, query, **sent)
        body = json.dumps(data) if data is not None else ""
        return call(path, body, content_type="application/json", **sent)

    def get(self, path: str, **query: Any) -> HttpResponse:
        return self.request("GET", path, **query)

    def json(self, path: str, **query: Any) -> Any:
        """The body of a GET that must succeed."""
        response = self.get(path, **query)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        return json.loads(response.content)


@pytest.fixture
def api(world: World) -> dict[str, Api]:
    """A read-only token's client for each of the cast, and for the service administrator."""
    return {name: Api(make_token(user)) for name, user in world.users.items()}


def problem(response: HttpResponse, status: int) -> dict[str, Any]:
    """The problem document of an error answer, checked to be one."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert set(body) >= {"type", "title", "status", "detail"}
    return dict(body)


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def declared(api: Api, address: str, size: int, content_type: str, **headers: str) -> Any:
    """A POST whose body says it is ``size`` bytes, refused before anything reads it."""
    environ: dict[str, Any] = {
        "wsgi.input": Unreadable(),
        "CONTENT_LENGTH": str(size),
        "CONTENT_TYPE": content_type,
    }
    return api.client.generic("POST", address, headers={**api.headers, **headers}, **environ)
