"""The demo's users have confirmed addresses USERNAME@example.org, so a tester can reset a
password from `make demo`'s console; `followup createuser --email` records the address too."""

from __future__ import annotations

import io
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import connections
from django.test import Client

from followup import cli
from followup.demo.loader import CAST, load_demo
from tests.browserlike import edit
from tests.conftest import DEMO_PASSWORD, PASSWORD
from tests.mailserver import Inbox


def demo_addresses() -> list[tuple[str, str, bool, bool]]:
    return list(
        EmailAddress.objects.filter(user__username__in=[c[0] for c in CAST])
        .order_by("email")
        .values_list("user__username", "email", "primary", "verified")
    )


def test_the_demo_users_have_confirmed_primary_addresses_and_a_reload_replaces_them(db):
    load_demo(DEMO_PASSWORD)
    expected = sorted((name, f"{name}@example.org", True, True) for name, _, _ in CAST)
    assert demo_addresses() == expected
    load_demo(DEMO_PASSWORD)
    assert demo_addresses() == expected
    assert EmailAddress.objects.count() == len(CAST)


def test_a_demo_user_resets_their_password_by_the_emailed_link(db, smtp_server: Inbox):
    load_demo(DEMO_PASSWORD)
    edit(Client(), "/accounts/password/reset/", {"email": "lead@example.org"})
    (message,) = smtp_server.to("lead@example.org")
    assert any("/accounts/password/reset/key/" in link for link in smtp_server.links(message))


def test_a_demo_user_signs_in_with_their_email_address(db):
    load_demo(DEMO_PASSWORD)
    response = Client().post(
        "/accounts/login/", {"login": "viewer@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        args = cli.build_parser().parse_args(list(argv))
        return int(args.handler(args))

    return run


def test_createuser_records_the_email_address_as_primary_and_not_yet_confirmed(world, run):
    argv = ["createuser", "newbie", "--email", "newbie@example.org", "--password-stdin"]
    assert run(*argv, stdin=PASSWORD + "\n") == 0
    assert list(
        EmailAddress.objects.filter(user__username="newbie").values_list(
            "email", "primary", "verified"
        )
    ) == [("newbie@example.org", True, False)]


def test_createuser_refuses_a_password_that_is_easy_to_guess(world, run, capsys):
    argv = ["createuser", "newbie", "--password-stdin"]
    assert run(*argv, stdin="Password1234\n") == 1
    assert "This password would be easy to guess" in capsys.readouterr().err
