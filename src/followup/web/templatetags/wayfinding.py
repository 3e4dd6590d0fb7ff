"""Finding the way: back links that follow where the person came from, and which part of a
partnership the page on screen belongs to (for the service navigation)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString

register = template.Library()

# The part of a partnership each page belongs to, by its URL's namespace and name; the
# navigation marks that part as the current one.
SECTIONS = {
    "front:home": "home",
    "front:for_you": "for_you",
    "front:partnership": "overview",
    "front:recommendations": "recommendations",
    "front:recommendation": "recommendations",
    "front:search": "search",
    "front:judgement_edit": "reviews",
    "inspections:recommendation_create": "recommendations",
    "inspections:recommendation_edit": "recommendations",
    "reports:review": "reviews",
    "reports:review_publish": "reviews",
    "reports:inspection": "inspections",
    "reports:inspection_publish": "inspections",
}
BY_NAMESPACE = {
    "inspections": "inspections",
    "plans": "plan",
    "indicators": "indicators",
    "evidence": "evidence",
    "reviews": "reviews",
}


def safe_back(request: HttpRequest | None) -> str:
    """Where the person came from, if it is a page of this site other than this one: the
    ``back`` parameter when it is a path on this host, else the referrer when it is one.
    Anything else (another host, another scheme, ``//evil``) gives ""."""
    if request is None:
        return ""
    host = request.get_host()
    secure = request.is_secure()
    for candidate in (request.GET.get("back", ""), request.META.get("HTTP_REFERER", "")):
        if not candidate or not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={host}, require_https=secure
        ):
            continue
        parts = urlsplit(candidate)
        if parts.netloc and parts.netloc != host:
            continue
        if not parts.path.startswith("/") or parts.path.startswith("//"):
            continue
        if parts.path.startswith(request.path) or parts.path.startswith("/accounts/"):
            continue  # itself, or a form of its own (after the form's redirect); signing in
        if parts.path.endswith(("/new/", "/edit/")):
            continue  # a form that created or changed what is on screen
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


@register.simple_tag(takes_context=True)
def back_link(context: Any, default_url: str, default_label: str) -> SafeString:
    """A GOV.UK back link: to the page the person came from when it is one of ours ("Back"),
    otherwise to ``default_url`` with ``default_label``."""
    came_from = safe_back(context.get("request"))
    if came_from:
        return format_html('<a href="{}" class="govuk-back-link">Back</a>', came_from)
    return format_html('<a href="{}" class="govuk-back-link">{}</a>', default_url, default_label)


@register.simple_tag(takes_context=True)
def nav_section(context: Any) -> str:
    """The part of the partnership the page belongs to: "plan", "indicators", and so on."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name = f"{match.namespace}:{match.url_name}"
    return SECTIONS.get(name) or BY_NAMESPACE.get(match.namespace, "")
