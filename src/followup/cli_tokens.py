"""``followup createtoken``: a personal access token for the API, made from the command line
(for a service user of an integration, say: docs/api.md). The token is printed once, on standard
output, and never again: only its digest is kept."""

from __future__ import annotations

import argparse
import sys

from followup.clitools import Commands, add_command, fail, operator


def add_token_command(commands: Commands) -> None:
    create = add_command(
        commands,
        "createtoken",
        cmd_createtoken,
        "Make a personal access token for the API for a user, and print it once: only a digest "
        "of it is kept. It is read-only unless --write is given, and lasts 30 days unless "
        "--days says otherwise (365 at most). It gives the user's own roles, no more. It is "
        "refused for a user who must set up a second factor and has not.",
    )
    create.add_argument("username", help="the user the token acts as")
    create.add_argument(
        "--write", action="store_true", help="let the token change things (read-only without it)"
    )
    create.add_argument(
        "--days", type=int, default=30, metavar="N", help="days until it expires (1 to 365; 30)"
    )
    create.add_argument(
        "--name", default="Made with followup createtoken", help="what the token is for"
    )
    create.add_argument(
        "--address",
        action="append",
        default=[],
        metavar="NETWORK",
        help="an IP address or network it may be used from (repeat for several; anywhere "
        "without it)",
    )


def cmd_createtoken(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User
    from django.core.exceptions import ValidationError

    from followup.accounts.actions import create_token

    user = User.objects.filter(username=args.username).first()
    if user is None:
        return fail(f"createtoken: no user is called {args.username!r}.")
    try:
        token, text = create_token(
            operator(),
            user,
            name=args.name,
            days=args.days,
            can_write=args.write,
            allowed_addresses=args.address,
        )
    except ValidationError as error:
        return fail("createtoken: " + " ".join(error.messages))
    print(text)
    print(
        f"This is {user.get_username()}'s {token.scope} token “{token.name}”, until "
        f"{token.expires_at:%d %B %Y %H:%M} UTC. It is shown only now: keep it as you would a "
        "password.",
        file=sys.stderr,
    )
    return 0
