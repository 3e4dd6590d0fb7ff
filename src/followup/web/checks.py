"""Followup's own system checks, run by ``followup check`` (``--deploy`` for the deployment ones)."""

from __future__ import annotations

import os
import stat
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

SECRET_KEY_FILE_READABLE = "followup.W001"


@register(Tags.security, deploy=True)
def secret_key_file_is_private(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the file FOLLOWUP_SECRET_KEY_FILE names can be read (or written) by anyone but
    its owner: with the key, anyone can sign a session cookie as any user."""
    path = getattr(settings, "SECRET_KEY_FILE", "")
    if not path:
        return []
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:  # the settings read it a moment ago; nothing to say about a file now gone
        return []
    if not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return []
    return [
        CheckWarning(
            f"FOLLOWUP_SECRET_KEY_FILE ({path}) is open to users other than its owner "
            f"(mode {mode:04o}): whoever reads the key can sign in as any user.",
            hint=f"Make the file readable by Followup's user only: chmod 600 {path} (or 400). "
            "For a container secret, give it mode 0400 (see docs/configuration.md).",
            id=SECRET_KEY_FILE_READABLE,
        )
    ]
