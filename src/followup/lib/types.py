"""Types shared across the apps."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class CommandLine:
    """The person running the ``followup`` command. They already hold the database, so no
    permission is checked; their operating-system user names them in the audit log."""

    os_user: str

    @property
    def name(self) -> str:
        return f"cli:{self.os_user}"

    @classmethod
    def current(cls) -> CommandLine:
        """The operating-system user running this process."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no name for the uid (e.g. a bare container)
            user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
        return cls(user)


Actor = AnyUser | CommandLine


class TryAgainLater(Exception):
    """What was asked cannot be answered now, for a reason that passes (figures imported while a
    page read them): a page answers 503 with Retry-After, a job fails saying so with this
    message, and nothing is changed."""


"""Whoever makes a write: a signed-in user (web, admin) or the command line."""
