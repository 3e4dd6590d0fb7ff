"""Personal access tokens for the API: the token's text, its digest, its address limits, and
the record of its last use.

A token is ``fu_pat_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits). It
is shown once, when it is made (``followup.accounts.actions.create_token``); only its SHA-256
digest is stored, so a copy of the database gives nobody a working token. The prefix makes a
leaked token easy to recognise (a secret scanner, a log) and its first characters, which are
not secret, tell its owner's tokens apart.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from followup.accounts.models import AccessToken

PREFIX = "fu_pat_"
# The token's first characters shown beside its name: the prefix and 6 of its 43 random ones.
SHOWN = len(PREFIX) + 6
DEFAULT_DAYS = 30
MAX_DAYS = 365
# The last use is written at most this often for one token, not on every request.
USE_RECORDED_EVERY = datetime.timedelta(minutes=1)
# Longer than any token made here: a longer header is refused without hashing it.
LONGEST = 200


def new_token() -> tuple[str, str]:
    """A token's text, and the digest that is stored."""
    text = PREFIX + secrets.token_urlsafe(32)
    return text, digest(text)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def shown(text: str) -> str:
    """The part of the token shown beside its name."""
    return text[:SHOWN]


def expiry(days: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a token made now for ``days`` days expires; refuses more than a year."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Enter a number of days from 1 to {MAX_DAYS}."})
    return (now or timezone.now()) + datetime.timedelta(days=days)


def networks(given: Iterable[str]) -> list[str]:
    """The addresses a token may be used from, each an IP address or network
    ("192.0.2.10", "192.0.2.0/24", "2001:db8::/32"), in canonical form; refuses anything else,
    naming it."""
    found: list[str] = []
    for text in given:
        text = text.strip()
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValidationError(
                {
                    "allowed_addresses": (
                        f"“{text[:50]}” is not an IP address or network. Enter addresses such as "
                        "192.0.2.10 or 192.0.2.0/24, one a line."
                    )
                }
            ) from None
        if str(network) not in found:
            found.append(str(network))
    if len(found) > 20:
        raise ValidationError({"allowed_addresses": "Enter at most 20 addresses or networks."})
    return found


def plain_address(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A client's address as written, an IPv4 address a dual-stack server saw as IPv6
    (``::ffff:192.0.2.1``) as the IPv4 address it is; None if it is no address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def allows(token: AccessToken, address: str) -> bool:
    """Whether the token may be used from ``address`` (the client's, as Django saw it)."""
    if not token.allowed_addresses:
        return True
    client = plain_address(address)
    if client is None:
        return False
    return any(client in ipaddress.ip_network(n, strict=False) for n in token.allowed_addresses)


def find(text: str) -> AccessToken | None:
    """The token with this text, with its user, whatever its state; None if there is none."""
    if not text.startswith(PREFIX) or len(text) > LONGEST:
        return None
    return AccessToken.objects.select_related("user").filter(digest=digest(text)).first()


def record_use(token: AccessToken, address: str, now: datetime.datetime) -> None:
    """Note when and from where the token was last used, at most once a minute (like a session's
    activity, this is not an audited change)."""
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address[:45])
    token.last_used_at = now
    token.last_used_from = address[:45]
