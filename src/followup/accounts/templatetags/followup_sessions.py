"""A browser's user-agent string, said the way people name their browser; whether a host is an
IP address."""

from __future__ import annotations

import ipaddress
import re

from django import template

register = template.Library()

# Order matters: Edge and Opera say "Chrome" too, and Chrome says "Safari".
BROWSERS = (
    ("Edg/", "Microsoft Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


@register.filter
def browser_name(user_agent: str) -> str:
    """ "Firefox on Windows", "Chrome on Android"; "Unknown browser" when it cannot tell."""
    agent = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), "")
    system = next((name for mark, name in SYSTEMS if re.search(re.escape(mark), agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


@register.filter
def numeric_host(host: str) -> bool:
    """Whether a request's host (with any port) is an IP address, where browsers refuse
    security keys and passkeys: WebAuthn needs a domain name, "localhost" included."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ipaddress.ip_address(name.strip("[]").split("]")[0])
    except ValueError:
        return False
    return True
