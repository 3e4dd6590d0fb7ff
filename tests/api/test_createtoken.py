"""``followup createtoken``: a token printed once, made as the command line's operator."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from followup import cli
from followup.accounts import tokens
from followup.accounts.models import AccessToken
from followup.audit.models import AuditEntry
from tests.api.conftest import Api


def run(*argv: str) -> int:
    args = cli.build_parser().parse_args(list(argv))
    return int(args.handler(args))


def test_createtoken_prints_a_read_only_30_day_token_once_that_reads_the_api(world, capsys):
    assert run("createtoken", "viewer") == 0
    out, err = capsys.readouterr()
    text = out.strip()
    assert text.startswith("fu_pat_") and len(text) == 50
    token = AccessToken.objects.get(user=world.users["viewer"])
    assert (token.digest, token.can_write, token.name) == (
        tokens.digest(text),
        False,
        "Made with followup createtoken",
    )
    assert abs(token.expires_at - timezone.now() - datetime.timedelta(days=30)) < (
        datetime.timedelta(seconds=10)
    )
    assert "viewer's read only token" in err and text not in err
    assert AuditEntry.objects.get(verb="token.create").actor_name.startswith("cli:")
    assert Api(text).get("/api/v1/partnerships/").status_code == 200


def test_createtoken_with_write_days_name_and_addresses(world, capsys):
    argv = ["createtoken", "lead", "--write", "--days", "365", "--name", "Performance system"]
    assert run(*argv, "--address", "192.0.2.0/24", "--address", "198.51.100.7") == 0
    token = AccessToken.objects.get(user=world.users["lead"])
    assert (token.can_write, token.name, token.allowed_addresses) == (
        True,
        "Performance system",
        ["192.0.2.0/24", "198.51.100.7/32"],
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nobody"], "createtoken: no user is called 'nobody'.\n"),
        (["viewer", "--days", "366"], "createtoken: Enter a number of days from 1 to 365.\n"),
        (
            ["viewer", "--address", "office"],
            "createtoken: “office” is not an IP address or network. Enter addresses such as "
            "192.0.2.10 or 192.0.2.0/24, one a line.\n",
        ),
    ],
)
def test_createtoken_refuses_what_it_cannot_make_saying_why_and_makes_nothing(
    world, capsys, argv, message
):
    assert run("createtoken", *argv) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", message)
    assert AccessToken.objects.count() == 0


def test_createtoken_refuses_an_inspector_who_has_not_set_up_a_second_factor(world, capsys):
    from tests import factories as f

    inspector = f.UserFactory(username="new-inspector")
    f.MembershipFactory(user=inspector, partnership=world.home.partnership, role="inspector")
    assert run("createtoken", "new-inspector", "--write") == 1
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "createtoken: new-inspector must set up a second factor (an authenticator app or a "
        "security key) before they can have an API token: their role, or a partnership of "
        "theirs, requires one. They are asked to set it up when they next sign in to Followup.\n",
    )
    assert AccessToken.objects.count() == 0
    f.totp_authenticator(inspector)
    assert run("createtoken", "new-inspector") == 0
