"""Followup's own system checks, run by ``followup check`` (``--deploy`` for the deployment ones)."""

from __future__ import annotations

import os
import stat
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
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


HTTPS_UNSEEN = "followup.E101"
NO_HSTS = "followup.E102"
ANY_PROXY = "followup.W103"
NO_MFA = "followup.E104"
DEPLOY_DOC = "See docs/deploy.md."


@register(Tags.security, deploy=True)
def https_is_seen_behind_the_proxy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With HTTPS on, Followup must be able to tell that a request came over HTTPS, or every
    request redirects to itself (FOLLOWUP_SSL_REDIRECT) and HSTS is never sent."""
    if not settings.HTTPS:
        return []
    problems: list[CheckMessage] = []
    proxy = settings.TRUSTED_PROXY
    told = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    forwards_scheme = "x-forwarded-proto" in [h.lower() for h in settings.TRUSTED_PROXY_HEADERS]
    if not told and not (proxy and forwards_scheme):
        effect = (
            "every request would redirect to itself (FOLLOWUP_SSL_REDIRECT is on)"
            if settings.SECURE_SSL_REDIRECT
            else "no HSTS header would be sent"
        )
        problems.append(
            CheckError(
                "FOLLOWUP_HTTPS is on, but Followup cannot tell that a request came over HTTPS, "
                f"so {effect}.",
                hint="Behind a reverse proxy that terminates HTTPS, set FOLLOWUP_TRUSTED_PROXY "
                "to the proxy's address for `followup serve` (with x-forwarded-proto in "
                "FOLLOWUP_TRUSTED_PROXY_HEADERS), or FOLLOWUP_BEHIND_PROXY=true for another "
                f"server. {DEPLOY_DOC}",
                id=HTTPS_UNSEEN,
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(
            CheckError(
                "FOLLOWUP_HTTPS is on but FOLLOWUP_HSTS_SECONDS is 0, so no HSTS header is sent "
                "and browsers may be sent to the plain HTTP address.",
                hint=f"Set FOLLOWUP_HSTS_SECONDS to 31536000 (one year), or leave it unset. "
                f"{DEPLOY_DOC}",
                id=NO_HSTS,
            )
        )
    if proxy == "*":
        problems.append(
            CheckWarning(
                "FOLLOWUP_TRUSTED_PROXY is '*': any client can write its own address and scheme, "
                "and so evade the sign-in throttle's limit on its address.",
                hint=f"Set FOLLOWUP_TRUSTED_PROXY to the proxy's own address. {DEPLOY_DOC}",
                id=ANY_PROXY,
            )
        )
    return problems


@register(Tags.security, deploy=True)
def privileged_people_use_a_second_factor(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Inspectors, administrators and superusers must use a second factor in production (OWASP
    ASVS 5.0 6.3.3); only the demo turns the requirement off."""
    if settings.REQUIRE_MFA_FOR_PRIVILEGED:
        return []
    return [
        CheckError(
            "FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED is off: inspectors, administrators and "
            "superusers could sign in with a password alone.",
            hint="Leave FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED unset (it is on by default); only "
            "`make demo` turns it off.",
            id=NO_MFA,
        )
    ]


NO_BASE_URL = "followup.E105"


@register(Tags.security, deploy=True)
def emailed_links_have_an_address(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The update cycle's emails, sent by ``followup tick`` with no web request to take the
    address from, link to Followup at FOLLOWUP_BASE_URL: without it they cannot be sent."""
    if not settings.HTTPS or settings.BASE_URL:
        return []
    return [
        CheckError(
            "FOLLOWUP_BASE_URL is not set, so the update cycle's emails could not link to "
            "Followup: `followup tick` opens no rounds and sends no update requests.",
            hint="Set FOLLOWUP_BASE_URL to the address people reach Followup at, such as "
            "https://followup.example.org. See docs/configuration.md.",
            id=NO_BASE_URL,
        )
    ]
